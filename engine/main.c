/* earshot: the engine program. Dispatches to the subcommands of
 * CONTRACT.md section 1 and the project's extensions (README). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "earshot/version.h"

static const char usage_text[] =
    "usage: earshot <command> [options]\n"
    "\n"
    "Real-time acoustic launch detection: detects impulsive events on a\n"
    "spread microphone array, locates their origin and publishes warnings\n"
    "over ZeroMQ.\n"
    "\n"
    "commands:\n"
    "  run --config SITE.json [--events FILE|-]\n"
    "        live: capture from the PortAudio input named in the config until\n"
    "        SIGINT/SIGTERM (SIGHUP re-reads the atmosphere)\n"
    "  replay --config SITE.json [--realtime] [--events FILE|-] INPUT\n"
    "        run the pipeline on a recorded multichannel file (WAV, FLAC, ...)\n"
    "  demo [--keep DIR]\n"
    "        simulate the bundled demo scene, replay it and compare the\n"
    "        alerts with the scene's ground truth\n"
    "  check --config SITE.json [INPUT]\n"
    "        validate a site config (and that INPUT fits it), then exit\n"
    "  devices\n"
    "        list PortAudio input devices with channels and default rates\n"
    "  keygen PREFIX\n"
    "        write a CURVE key pair, PREFIX.key (secret) and PREFIX.pub, for\n"
    "        encrypted alerts (publish.curve in the site config)\n"
    "\n"
    "options:\n"
    "  -h, --help      this help (also: earshot <command> --help)\n"
    "  -V, --version   print the version and exit\n"
    "\n"
    "exit status: 0 success; 2 bad usage, config or input; 1 run-time failure\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return ES_EXIT_USAGE;
    }
    /* A closed pipe on --events - must not kill an engine that sirens
     * depend on: the write fails, is logged and counted instead. */
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return ES_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("earshot %s (contract version %d)\n", ES_VERSION_STRING, ES_CONTRACT_VERSION);
        return ES_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return es_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "_capture-helper") == 0) /* internal, not in the usage */
        return es_cmd_capture_helper(argc - 1, argv + 1);
    if (strcmp(cmd, "replay") == 0)
        return es_cmd_replay(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return es_cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return es_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "devices") == 0)
        return es_cmd_devices(argc - 1, argv + 1);
    if (strcmp(cmd, "keygen") == 0)
        return es_cmd_keygen(argc - 1, argv + 1);
    fprintf(stderr, "earshot: unknown command '%s' (try earshot --help)\n", cmd);
    return ES_EXIT_USAGE;
}
