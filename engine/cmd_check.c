/* earshot check --config SITE.json [INPUT]: validates a site config and,
 * given a recording, that the recording fits it (rate and channels). The
 * operator's dry run before `earshot run` or `earshot replay`. */
#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "earshot/config.h"

static const char check_usage[] =
    "usage: earshot check --config SITE.json [INPUT]\n"
    "\n"
    "Validates a site config (keys, types, ranges, sensor layout, endpoint)\n"
    "and exits. With INPUT, a recorded multichannel file (anything libsndfile\n"
    "reads: WAV, FLAC, ...), also checks that its sample rate equals\n"
    "audio.sample_rate and that it carries every sensor's channel.\n"
    "\n"
    "options:\n"
    "  --config FILE   the site config (required; also --config=FILE)\n"
    "  -h, --help      this help\n"
    "\n"
    "On success prints one line, e.g.\n"
    "  site.json: ok: 8 sensors, 48000 Hz, endpoint tcp://127.0.0.1:5556\n"
    "and exits 0; unknown keys are warnings on stderr. A bad config or input\n"
    "prints one line on stderr naming the file and the JSON path and exits 2.\n";

typedef struct {
    const char *config;
    const char *input;
    int help;
} check_args;

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "earshot: check: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fputs(check_usage, stderr);
    return ES_EXIT_USAGE;
}

static int set_config(check_args *a, const char *value)
{
    if (a->config != NULL)
        return usage_error("--config given twice", NULL);
    if (value[0] == '\0')
        return usage_error("--config needs a file name", NULL);
    a->config = value;
    return ES_EXIT_OK;
}

/* Returns ES_EXIT_OK or ES_EXIT_USAGE (after printing why). */
static int parse_args(int argc, char **argv, check_args *a)
{
    int options_done = 0, rc = ES_EXIT_OK;
    for (int i = 1; i < argc && rc == ES_EXIT_OK; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (!options_done && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            a->help = 1;
            return ES_EXIT_OK;
        } else if (!options_done && strcmp(arg, "--config") == 0) {
            if (i + 1 >= argc)
                return usage_error("--config needs a file name", NULL);
            rc = set_config(a, argv[++i]);
        } else if (!options_done && strncmp(arg, "--config=", 9) == 0) {
            rc = set_config(a, arg + 9);
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            rc = usage_error("unknown option", arg);
        } else if (a->input != NULL) {
            rc = usage_error("unexpected argument", arg);
        } else {
            a->input = arg;
        }
    }
    if (rc == ES_EXIT_OK && a->config == NULL)
        rc = usage_error("--config SITE.json is required", NULL);
    return rc;
}

static void warn_to_stderr(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "earshot: warning: %s\n", msg);
}

/* Opens INPUT for its header only. A FIFO or device would block or never
 * end, so only regular files are accepted. Returns 0 or -1 with `why`. */
static int read_audio_header(const char *path, SF_INFO *info, char *why, size_t n)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, n, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, n, "cannot stat: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, n, "%s", S_ISDIR(st.st_mode) ? "is a directory, not an audio file"
                                                   : "is not a regular file");
        close(fd);
        return -1;
    }
    memset(info, 0, sizeof *info);
    SNDFILE *sf = sf_open_fd(fd, SFM_READ, info, SF_FALSE);
    if (sf == NULL) {
        snprintf(why, n, "cannot read audio: %s", sf_strerror(NULL));
        close(fd);
        return -1;
    }
    sf_close(sf);
    close(fd);
    return 0;
}

static int check_input(const es_site_config *cfg, const char *config_path, const char *input,
                       SF_INFO *info)
{
    char why[256];
    es_error err;
    if (read_audio_header(input, info, why, sizeof why) != 0) {
        fprintf(stderr, "earshot: %s: %s\n", input, why);
        return ES_EXIT_USAGE;
    }
    if (es_site_config_check_stream(cfg, config_path, input, info->channels, info->samplerate,
                                    &err) != ES_OK) {
        fprintf(stderr, "earshot: %s\n", err.msg);
        return ES_EXIT_USAGE;
    }
    return ES_EXIT_OK;
}

int es_cmd_check(int argc, char **argv)
{
    check_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc != ES_EXIT_OK)
        return rc;
    if (a.help) {
        fputs(check_usage, stdout);
        return ES_EXIT_OK;
    }
    es_site_config cfg;
    es_error err;
    if (es_site_config_load(a.config, &cfg, warn_to_stderr, NULL, &err) != ES_OK) {
        fprintf(stderr, "earshot: %s\n", err.msg);
        return ES_EXIT_USAGE;
    }
    SF_INFO info;
    if (a.input != NULL && (rc = check_input(&cfg, a.config, a.input, &info)) != ES_EXIT_OK)
        return rc;
    printf("%s: ok: %zu sensors, %d Hz, endpoint %s", a.config, cfg.n_sensors, cfg.sample_rate_hz,
           cfg.endpoint);
    if (a.input != NULL)
        printf(", %s: %d channels, %d Hz, %.2f s", a.input, info.channels, info.samplerate,
               (double)info.frames / info.samplerate);
    printf("\n");
    return ES_EXIT_OK;
}
