/* earshot-siren: the camp siren's controller (issue 7, section 1).
 *
 * Acts on `alert` and `heartbeat` (it receives every topic, so that a jump
 * in seq, which counts every message, is a loss) and prints one line per
 * thing that happens, each starting with a word a script can match:
 *   ALERT   a new launch alert (an `id` not seen from this engine yet):
 *           the --on-alert command runs, once per id
 *   UPDATE  a later revision of an alerted id (nothing runs)
 *   CLEAR   --hold seconds after the last new alert: --on-clear runs
 *   DEAD    no heartbeat for --dead-after seconds (3): --on-dead runs,
 *           once until heartbeats return
 *   ALIVE   heartbeats are back: --on-alive runs
 *   GAP     messages lost (a jump in seq): alerts may be among them
 *   RESTART a new engine process (seq went back): ids start again
 *   CONNECTED, DISCONNECTED, REFUSED   the connection (libzmq reconnects
 *           by itself), REFUSED when the keys do not match
 *   BAD     a message that breaks the contract (skipped)
 *   WARN    a command that failed, or could not be started
 * Exit: 0 on SIGINT or SIGTERM, 2 bad usage, 1 a failure at run time. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siren_run.h"
#include "siren_state.h"
#include "sub.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static const char usage[] =
    "usage: earshot-siren --connect ENDPOINT [options]\n"
    "\n"
    "Drives a camp siren from an Earshot engine's alerts, and says when the\n"
    "engine is dead. Prints one line per thing that happens, starting with\n"
    "ALERT, UPDATE, CLEAR, DEAD, ALIVE, GAP, RESTART, CONNECTED,\n"
    "DISCONNECTED, REFUSED, BAD or WARN, then key=value fields.\n"
    "\n"
    "options:\n"
    "  --connect ENDPOINT    the engine's publish endpoint (tcp://HOST:PORT,\n"
    "                        ipc://PATH); required\n"
    "  --on-alert CMD        run by /bin/sh for each new alert id, at most once\n"
    "                        per id; the alert is in the environment:\n"
    "                        EARSHOT_ID, EARSHOT_CLASS, EARSHOT_CONFIDENCE,\n"
    "                        EARSHOT_RANGE_M, EARSHOT_BEARING_DEG, EARSHOT_LAT,\n"
    "                        EARSHOT_LON, EARSHOT_CEP50_M, EARSHOT_T_ORIGIN,\n"
    "                        EARSHOT_SEQ and EARSHOT_MESSAGE (the JSON body)\n"
    "  --hold S              the siren stays on at least S seconds after the last\n"
    "                        new alert (default 30); then CLEAR\n"
    "  --on-clear CMD        run when the hold ends (siren off)\n"
    "  --dead-after S        no heartbeat for S seconds: the engine is dead\n"
    "                        (default 3, as the contract says)\n"
    "  --on-dead CMD         run once when the engine is declared dead\n"
    "                        (EARSHOT_SILENT_S: seconds since the last heartbeat)\n"
    "  --on-alive CMD        run when heartbeats return\n"
    "  --command-timeout S   kill a command still running after S seconds\n"
    "                        (default 60; 0: never)\n"
    "  --server-key Z85      the engine's CURVE public key (publish.curve)\n"
    "  --key-file PATH       this subscriber's CURVE secret key file (as\n"
    "                        `earshot keygen` writes it); needs --server-key\n"
    "  -h, --help            this text\n"
    "\n"
    "Commands run in the background, in their own process group, stdin from\n"
    "/dev/null; a failure is a WARN line, never a stop. Messages lost on the\n"
    "way (seq jumps) are reported as GAP lines; a new engine process (seq\n"
    "going back) as RESTART, after which alert ids may repeat and count as\n"
    "new.\n"
    "\n"
    "exit status: 0 stopped by SIGINT or SIGTERM; 2 bad usage; 1 a failure at\n"
    "run time (the socket could not be made).\n";

static int usage_error(const char *fmt, const char *detail)
{
    fputs("earshot-siren: ", stderr);
    fprintf(stderr, fmt, detail);
    fputs(" (earshot-siren --help for usage)\n", stderr);
    return 2;
}

static int parse_seconds(const char *opt, const char *value, double lo, double *out)
{
    char *end = NULL;
    double v = value != NULL ? strtod(value, &end) : NAN;
    if (value == NULL || end == value || *end != '\0' || !isfinite(v) || v < lo || v > 86400.0)
        return usage_error("%s needs a number of seconds", opt);
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, es_sub_config *sub, siren_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        es_error err = {{0}};
        int rc = es_sub_parse_option(argc, argv, &i, sub, &err);
        if (rc < 0)
            return usage_error("%s", err.msg);
        if (rc == 1)
            continue;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        const char **cmd = strcmp(a, "--on-alert") == 0   ? &o->on_alert
                           : strcmp(a, "--on-clear") == 0 ? &o->on_clear
                           : strcmp(a, "--on-dead") == 0  ? &o->on_dead
                           : strcmp(a, "--on-alive") == 0 ? &o->on_alive
                                                          : NULL;
        double *secs = strcmp(a, "--hold") == 0              ? &o->hold_s
                       : strcmp(a, "--dead-after") == 0      ? &o->dead_after_s
                       : strcmp(a, "--command-timeout") == 0 ? &o->command_timeout_s
                                                             : NULL;
        if (cmd != NULL && (v == NULL || v[0] == '\0'))
            return usage_error("%s needs a command", a);
        if (cmd != NULL)
            *cmd = v;
        else if (secs != NULL && parse_seconds(a, v, secs == &o->dead_after_s ? 0.1 : 0.0, secs))
            return 2;
        else if (secs == NULL)
            return usage_error("unknown option '%s'", a);
        i++;
    }
    es_error err = {{0}};
    if (es_sub_check_config(sub, &err) != ES_OK)
        return usage_error("%s", err.msg);
    return 0;
}

static void print_line(const char *line)
{
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    es_sub_config sub = {0};
    siren_options opt = {.hold_s = 30.0, .dead_after_s = 3.0, .command_timeout_s = 60.0};
    int rc = parse_args(argc, argv, &sub, &opt);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    es_sub_handle_stop_signals(on_signal);

    es_error err = {{0}};
    es_sub s = es_sub_create(&sub, &err);
    if (s == NULL) {
        fprintf(stderr, "earshot-siren: %s\n", err.msg);
        return err.msg[0] != '\0' && strstr(err.msg, "out of memory") == NULL ? 2 : 1;
    }
    siren_state *st = siren_state_create(&opt, print_line);
    if (st == NULL) {
        fprintf(stderr, "earshot-siren: out of memory\n");
        es_sub_destroy(&s);
        return 1;
    }
    rc = siren_state_loop(st, s, &stop_requested);
    siren_state_destroy(&st);
    es_sub_destroy(&s);
    return rc;
}
