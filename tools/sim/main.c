/* earshot-sim: the scene simulator's command line (see sim.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const char usage[] =
    "usage: earshot-sim SCENARIO.json --out DIR [--prefix NAME] [--seed N]\n"
    "                   [--duration S] [--endpoint EP]\n"
    "\n"
    "Simulates a scene: writes DIR/NAME.wav (one channel per sensor), DIR/NAME.site.json\n"
    "(the site config the engine reads) and DIR/NAME.truth.json (ground truth), and\n"
    "prints the three paths. The same scenario and seed give identical files.\n"
    "\n"
    "  --out DIR        output directory (created if missing)\n"
    "  --prefix NAME    file name prefix (default: the scenario's name without .json)\n"
    "  --seed N         override the scenario's seed (0 .. 2^63-1)\n"
    "  --duration S     override the scenario's duration, seconds\n"
    "  --endpoint EP    publish.endpoint written to the site config\n"
    "  -h, --help       this text\n"
    "\n"
    "exit status: 0 written, 2 bad usage or scenario, 1 failure while running\n";

typedef struct {
    const char *scenario, *out, *prefix, *endpoint;
    char prefix_buf[256];
    es_sim_options opt;
} cli;

static int bad(const char *fmt, const char *arg)
{
    fputs("earshot-sim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(earshot-sim --help for usage)\n", stderr);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || end == s || !isfinite(v) || v <= 0.0)
        return -1;
    *out = v;
    return 0;
}

/* Value of "--name VALUE" or "--name=VALUE"; NULL when this is not --name. */
static const char *option(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_option(cli *c, int argc, char **argv, int *i)
{
    int missing = 0;
    const char *v;
    if ((v = option(argc, argv, i, "--out", &missing)) != NULL)
        c->out = v;
    else if ((v = option(argc, argv, i, "--prefix", &missing)) != NULL)
        c->prefix = v;
    else if ((v = option(argc, argv, i, "--endpoint", &missing)) != NULL)
        c->opt.endpoint = v;
    else if ((v = option(argc, argv, i, "--seed", &missing)) != NULL) {
        if (parse_u64(v, &c->opt.seed) != 0)
            return bad("--seed: '%s' is not a non-negative integer", v);
        c->opt.has_seed = 1;
    } else if ((v = option(argc, argv, i, "--duration", &missing)) != NULL) {
        if (parse_seconds(v, &c->opt.duration_s) != 0)
            return bad("--duration: '%s' is not a positive number of seconds", v);
    } else if (missing) {
        return bad("%s needs a value", argv[*i]);
    } else {
        return bad("unknown option '%s'", argv[*i]);
    }
    return 0;
}

static int parse_args(cli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            int st = parse_option(c, argc, argv, &i);
            if (st != 0)
                return st;
        } else if (c->scenario == NULL) {
            c->scenario = argv[i];
        } else {
            return bad("unexpected argument '%s' (one scenario at a time)", argv[i]);
        }
    }
    if (c->scenario == NULL)
        return bad("%s", "no scenario file given");
    if (c->out == NULL)
        return bad("%s", "--out DIR is required");
    return 0;
}

/* The scenario's file name without directories and ".json". */
static void default_prefix(cli *c)
{
    const char *b = strrchr(c->scenario, '/');
    b = b != NULL ? b + 1 : c->scenario;
    snprintf(c->prefix_buf, sizeof c->prefix_buf, "%s", b);
    size_t n = strlen(c->prefix_buf);
    if (n > 5 && strcmp(c->prefix_buf + n - 5, ".json") == 0)
        c->prefix_buf[n - 5] = '\0';
    c->prefix = c->prefix_buf;
}

int main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    int st = parse_args(&c, argc, argv);
    if (st != 0)
        return st < 0 ? 0 : st;
    if (c.prefix == NULL)
        default_prefix(&c);
    es_sim_outputs out;
    es_error err = {{0}};
    st = es_sim_run_file(c.scenario, c.out, c.prefix, &c.opt, &out, &err);
    if (st != ES_OK) {
        fprintf(stderr, "earshot-sim: %s\n", err.msg);
        return st == ES_EINVAL || st == ES_ENOTFOUND ? 2 : 1;
    }
    printf("%s\n%s\n%s\n", out.audio_path, out.site_path, out.truth_path);
    return 0;
}
