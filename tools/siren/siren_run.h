/* earshot-siren: the commands it runs (the siren driver, the "engine
 * down" action). Each runs as `/bin/sh -c CMD` in its own process, in the
 * background: a slow or hung driver never delays the next alert or the
 * watch on heartbeats. Its exit is reported when it ends; one still
 * running after its timeout is killed (its whole process group). */
#ifndef EARSHOT_SIREN_RUN_H
#define EARSHOT_SIREN_RUN_H

#include <sys/types.h>

#define SIREN_MAX_CHILDREN 64
#define SIREN_ENV_MAX 16

typedef struct {
    pid_t pid;
    char what[32];             /* "on-alert E3", for the report */
    double started_s;
} siren_child;

typedef struct {
    siren_child child[SIREN_MAX_CHILDREN];
    double timeout_s;          /* kill a command running longer */
} siren_runner;

/* Starts cmd with extra environment entries env[0..n) ("NAME=value");
 * what names it in reports. 0 started, -1 (reason in msg) not. */
int siren_run(siren_runner *r, const char *cmd, const char *what, char *const *env, int n,
              char *msg, size_t msg_size);

/* Reaps commands that ended and kills those past their timeout; calls
 * report(ctx, line) for each that failed. */
void siren_reap(siren_runner *r, double now_s, void (*report)(void *ctx, const char *line),
                void *ctx);

#endif
