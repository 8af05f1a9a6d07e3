/* earshot-score: compare an events file (earshot replay --events) with a
 * simulated scene's truth. Exit 0 when every launch was alerted exactly
 * once within the limits and nothing else was alerted, 1 otherwise, 2 on
 * bad usage or unreadable files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

static const char usage[] =
    "usage: earshot-score --truth TRUTH.json --events EVENTS.jsonl\n"
    "                     [--max-bearing-err DEG] [--max-range-err PCT] [--window S]\n"
    "Compares alerts and events with the simulator's ground truth; prints a table\n"
    "and a summary. Exit 0 pass, 1 fail, 2 bad usage or unreadable input.\n";

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v > 0.0))
        return -1;
    *out = v;
    return 0;
}

static int parse_option(const char *a, const char *v, const char **truth, const char **events,
                        es_score_limits *lim)
{
    double pct = 0.0;
    if (strcmp(a, "--truth") == 0)
        *truth = v;
    else if (strcmp(a, "--events") == 0)
        *events = v;
    else if (strcmp(a, "--max-bearing-err") == 0)
        return parse_double(v, &lim->max_bearing_err_deg);
    else if (strcmp(a, "--max-range-err") == 0 && parse_double(v, &pct) == 0)
        lim->max_range_err_frac = pct / 100.0;
    else if (strcmp(a, "--window") == 0)
        return parse_double(v, &lim->match_window_s);
    else
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *truth = NULL, *events = NULL;
    es_score_limits lim;
    es_score_limits_default(&lim);
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (i + 1 >= argc || parse_option(argv[i], argv[i + 1], &truth, &events, &lim) != 0) {
            fprintf(stderr, "earshot-score: bad option or value: %s\n%s", argv[i], usage);
            return 2;
        }
    }
    if (truth == NULL || events == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    es_score_report *r = calloc(1, sizeof *r);
    es_error err = {{0}};
    if (r == NULL || es_score_files(truth, events, &lim, r, &err) != ES_OK) {
        fprintf(stderr, "earshot-score: %s\n", r ? err.msg : "out of memory");
        free(r);
        return 2;
    }
    es_score_print(r, &lim, stdout);
    int status = r->pass ? 0 : 1;
    free(r);
    return status;
}
