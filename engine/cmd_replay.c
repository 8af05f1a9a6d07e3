/* `earshot replay`: argument handling around es_replay_run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "earshot/replay.h"

static const char replay_usage[] =
    "usage: earshot replay --config SITE.json [options] INPUT\n"
    "\n"
    "Runs the detection pipeline on a recorded multichannel file (anything\n"
    "libsndfile reads: WAV, FLAC, ...) and publishes on the config's endpoint.\n"
    "Exits 0 once the whole file is processed and every event is flushed.\n"
    "\n"
    "  --config FILE          site config (required)\n"
    "  --events FILE          also write every message body, one JSON per line\n"
    "                         ('-' for stdout)\n"
    "  --realtime             pace the file like a live capture\n"
    "  --endpoint EP          bind EP instead of publish.endpoint\n"
    "  --block N              frames per read (default 512)\n"
    "  --wait-subscribers N   before reading, wait for N subscribers\n"
    "  --wait-timeout MS      ... at most MS milliseconds (default 5000)\n"
    "  --quiet                no readable line per event on stderr\n"
    "  --all-revisions        publish every event again once its tail is heard,\n"
    "                         even when the verdict did not change\n"
    "  --test-stall AT:FOR    (tests) stall the analysis for FOR s of wall time\n"
    "                         when it reaches AT s of audio\n"
    "  -h, --help             this help\n";

static int parse_count(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_stall(const char *s, es_replay_options *o)
{
    char *end = NULL;
    double at = strtod(s, &end);
    if (end == s || *end != ':')
        return -1;
    const char *rest = end + 1;
    double len = strtod(rest, &end);
    if (end == rest || *end != '\0' || !(at >= 0.0 && at <= 3600.0) ||
        !(len > 0.0 && len <= 3600.0))
        return -1;
    o->stall_at_s = at;
    o->stall_for_s = len;
    return 0;
}

static int usage_error(const char *what)
{
    fprintf(stderr, "earshot replay: %s\n%s", what, replay_usage);
    return ES_EXIT_USAGE;
}

enum { OPT_CONFIG = 1, OPT_EVENTS, OPT_REALTIME, OPT_ENDPOINT, OPT_BLOCK, OPT_WAIT, OPT_WAIT_MS,
       OPT_QUIET, OPT_STALL, OPT_ALL_REVISIONS, OPT_HELP };

static int parse_args(int argc, char **argv, es_replay_options *o)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"realtime", no_argument, NULL, OPT_REALTIME},
        {"endpoint", required_argument, NULL, OPT_ENDPOINT},
        {"block", required_argument, NULL, OPT_BLOCK},
        {"wait-subscribers", required_argument, NULL, OPT_WAIT},
        {"wait-timeout", required_argument, NULL, OPT_WAIT_MS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"test-stall", required_argument, NULL, OPT_STALL},
        {"all-revisions", no_argument, NULL, OPT_ALL_REVISIONS},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0}};
    long v = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_EVENTS: o->events_path = optarg; break;
        case OPT_REALTIME: o->realtime = 1; break;
        case OPT_ENDPOINT: o->endpoint = optarg; break;
        case OPT_QUIET: o->print_events = 0; break;
        case OPT_ALL_REVISIONS: o->all_revisions = 1; break;
        case OPT_BLOCK:
            if (parse_count(optarg, 16, 65536, &v) != 0)
                return usage_error("--block takes a frame count from 16 to 65536");
            o->block_frames = (size_t)v;
            break;
        case OPT_WAIT:
            if (parse_count(optarg, 0, 1000, &v) != 0)
                return usage_error("--wait-subscribers takes a count from 0 to 1000");
            o->wait_subscribers = (int)v;
            break;
        case OPT_WAIT_MS:
            if (parse_count(optarg, 1, 3600000, &v) != 0)
                return usage_error("--wait-timeout takes milliseconds from 1 to 3600000");
            o->wait_timeout_ms = (int)v;
            break;
        case OPT_STALL:
            if (parse_stall(optarg, o) != 0)
                return usage_error("--test-stall takes AT:FOR, seconds (0..3600)");
            break;
        case 'h':
        case OPT_HELP: fputs(replay_usage, stdout); return -1;
        default: return usage_error("unknown option or missing value");
        }
    }
    if (o->config_path == NULL)
        return usage_error("--config is required");
    if (optind != argc - 1)
        return usage_error(optind >= argc ? "no INPUT file given" : "more than one INPUT given");
    o->input_path = argv[optind];
    return 0;
}

static void print_summary(const es_replay_result *r)
{
    const es_pipeline_stats *s = &r->stats;
    fprintf(stderr,
            "earshot: replayed %.2f s of audio in %.3f s (%.1fx real time): %llu alerts, "
            "%llu events, %llu onsets, %llu unlocated groups, %llu messages, "
            "%llu send failures\n",
            r->audio_s, r->wall_s, r->wall_s > 0 ? r->audio_s / r->wall_s : 0.0,
            (unsigned long long)s->alerts, (unsigned long long)s->events,
            (unsigned long long)s->onsets, (unsigned long long)s->unlocated,
            (unsigned long long)r->messages, (unsigned long long)r->send_failures);
    if (s->bad_samples > 0)
        fprintf(stderr, "earshot: warning: %llu non-finite samples in the input were zeroed\n",
                (unsigned long long)s->bad_samples);
}

int es_cmd_replay(int argc, char **argv)
{
    es_replay_options o = {.print_events = 1};
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? ES_EXIT_OK : rc;
    es_error err = {{0}};
    es_replay_result res;
    int status = es_replay_run(&o, &res, &err);
    if (status != 0) {
        fprintf(stderr, "earshot: %s\n", err.msg);
        return status;
    }
    print_summary(&res);
    return ES_EXIT_OK;
}
