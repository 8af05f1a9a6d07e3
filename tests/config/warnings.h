/* The config tests' warning callback: keeps what the loader reports, for
 * the checks to compare (and counts past what it keeps). */
#ifndef EARSHOT_TESTS_CONFIG_WARNINGS_H
#define EARSHOT_TESTS_CONFIG_WARNINGS_H

#include <stdio.h>

#define MAX_WARNINGS 16

typedef struct {
    int n;
    char msg[MAX_WARNINGS][512];
} warnings;

static void collect(void *ctx, const char *msg)
{
    warnings *w = ctx;
    if (w->n < MAX_WARNINGS)
        snprintf(w->msg[w->n], sizeof w->msg[0], "%s", msg);
    w->n++;
}

#endif
