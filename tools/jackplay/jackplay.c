/* earshot-jackplay: plays a multichannel WAV into a JACK graph in real
 * time, channel k into the k-th input port that matches a pattern (by
 * default the ports PortAudio registers for `earshot run`). With JACK's
 * dummy backend this is how the live path is tested without microphones.
 *
 * The whole file is read into memory first; the JACK process callback only
 * copies (no allocation, lock or system call; clock_gettime is the vDSO).
 * Prints, on stdout, the UNIX time at which the cycle holding the first
 * frame was processed (`start_unix_s`), so a test can map the engine's
 * UNIX t_origin back to the file's time. Exit 0 played, 1 JACK failed, 2
 * bad usage or file (a rate other than the server's included). */
#include <errno.h>
#include <jack/jack.h>
#include <signal.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { WAITING = 0, PLAYING, DONE };

#define MAX_CHANNELS 256

typedef struct {
    jack_client_t *client;
    jack_port_t *ports[MAX_CHANNELS];
    float *data;                 /* interleaved, frames x channels */
    int channels;
    int64_t frames, pos;
    _Atomic int state;
    _Atomic int shutdown;
    int loop;                    /* start again at the end, until a signal */
    double start_unix_s;         /* written by the callback before DONE */
} player;

typedef struct {
    const char *wav, *ports, *client;
    double wait_s, start_delay_s;
    int loop;
} options;

static volatile sig_atomic_t stop_requested;

static const char usage[] =
    "usage: earshot-jackplay [options] FILE.wav\n"
    "Plays FILE into the running JACK server (JACK_DEFAULT_SERVER picks it),\n"
    "channel k into the k-th input port matching --ports, then exits 0.\n"
    "  --ports REGEX       input ports to feed (default ^PortAudio:in_[0-9]+$)\n"
    "  --wait S            wait this long for the ports to exist (default 10)\n"
    "  --start-delay S     then wait this long before playing (default 0)\n"
    "  --client NAME       JACK client name (default earshot-jackplay)\n"
    "  --loop              play the file again and again until SIGINT/SIGTERM\n"
    "Prints start_unix_s (the UNIX time of the first frame's cycle) and frames.\n";

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ----------------------------------------------------------- real time */

static int process(jack_nframes_t n, void *arg)
{
    player *p = arg;
    float *out[MAX_CHANNELS];
    for (int c = 0; c < p->channels; c++)
        out[c] = jack_port_get_buffer(p->ports[c], n);
    int64_t done = 0;
    if (atomic_load_explicit(&p->state, memory_order_acquire) == PLAYING) {
        if (p->pos == 0)
            p->start_unix_s = clock_s(CLOCK_REALTIME);
        done = p->frames - p->pos < (int64_t)n ? p->frames - p->pos : (int64_t)n;
        const float *src = p->data + p->pos * p->channels;
        for (int64_t i = 0; i < done; i++)
            for (int c = 0; c < p->channels; c++)
                out[c][i] = src[i * p->channels + c];
        p->pos += done;
        if (p->pos >= p->frames && p->loop) {
            src = p->data; /* the rest of the cycle from the start again */
            int64_t more = (int64_t)n - done < p->frames ? (int64_t)n - done : p->frames;
            for (int64_t i = 0; i < more; i++)
                for (int c = 0; c < p->channels; c++)
                    out[c][done + i] = src[i * p->channels + c];
            done += more;
            p->pos = more;
        } else if (p->pos >= p->frames) {
            atomic_store_explicit(&p->state, DONE, memory_order_release);
        }
    }
    for (int c = 0; c < p->channels; c++)
        memset(out[c] + done, 0, ((size_t)n - (size_t)done) * sizeof(float));
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_shutdown(void *arg)
{
    atomic_store(&((player *)arg)->shutdown, 1);
}

/* ---------------------------------------------------------------- setup */

static int parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= 0.0 && v <= 3600.0))
        return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        int has_value = i + 1 < argc;
        if (strcmp(a, "--ports") == 0 && has_value)
            o->ports = argv[++i];
        else if (strcmp(a, "--client") == 0 && has_value)
            o->client = argv[++i];
        else if (strcmp(a, "--loop") == 0)
            o->loop = 1;
        else if (strcmp(a, "--wait") == 0 && has_value && parse_seconds(argv[i + 1], &o->wait_s) == 0)
            i++;
        else if (strcmp(a, "--start-delay") == 0 && has_value &&
                 parse_seconds(argv[i + 1], &o->start_delay_s) == 0)
            i++;
        else if (a[0] != '-' && o->wav == NULL)
            o->wav = a;
        else
            return -1;
    }
    return o->wav != NULL ? 0 : -1;
}

static int load_wav(player *p, const char *path)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (f == NULL) {
        fprintf(stderr, "earshot-jackplay: %s: %s\n", path, sf_strerror(NULL));
        return -1;
    }
    if (info.channels < 1 || info.channels > MAX_CHANNELS || info.frames < 1 ||
        info.frames > (sf_count_t)1 << 31) {
        fprintf(stderr, "earshot-jackplay: %s: 1..%d channels and some frames needed\n", path,
                MAX_CHANNELS);
        sf_close(f);
        return -1;
    }
    p->channels = info.channels;
    p->frames = info.frames;
    p->data = malloc((size_t)info.frames * (size_t)info.channels * sizeof(float));
    sf_count_t got = p->data ? sf_readf_float(f, p->data, info.frames) : 0;
    sf_close(f);
    if (got != info.frames) {
        fprintf(stderr, "earshot-jackplay: %s: read %lld of %lld frames\n", path,
                (long long)got, (long long)info.frames);
        return -1;
    }
    return info.samplerate;
}

/* "PortAudio:in_10" after "PortAudio:in_9": by the number at the end. */
static long trailing_number(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9')
        n--;
    return s[n] ? strtol(s + n, NULL, 10) : -1;
}

static int by_trailing_number(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long nx = trailing_number(x), ny = trailing_number(y);
    return nx != ny ? (nx < ny ? -1 : 1) : strcmp(x, y);
}

/* Waits for at least `want` matching input ports; returns the list
 * (jack_free it) and its length in *count, or NULL. */
static const char **wait_for_ports(player *p, const options *o, int want, int *count)
{
    double until = clock_s(CLOCK_MONOTONIC) + o->wait_s;
    const char **names = NULL;
    for (;;) {
        names = jack_get_ports(p->client, o->ports, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
        int n = 0;
        while (names != NULL && names[n] != NULL)
            n++;
        if (n >= want || (clock_s(CLOCK_MONOTONIC) >= until && n > 0)) {
            qsort(names, (size_t)n, sizeof *names, by_trailing_number);
            *count = n;
            return names;
        }
        if (names != NULL)
            jack_free(names);
        if (clock_s(CLOCK_MONOTONIC) >= until || atomic_load(&p->shutdown))
            return NULL;
        sleep_s(0.05);
    }
}

static int connect_ports(player *p, const options *o)
{
    int n = 0;
    const char **names = wait_for_ports(p, o, p->channels, &n);
    if (names == NULL) {
        fprintf(stderr, "earshot-jackplay: no input port matches '%s' after %.1f s\n", o->ports,
                o->wait_s);
        return -1;
    }
    if (n < p->channels)
        fprintf(stderr, "earshot-jackplay: warning: %d channels but %d ports match '%s'; "
                        "channels %d.. are not played\n", p->channels, n, o->ports, n);
    int rc = 0;
    for (int c = 0; c < p->channels && c < n && rc == 0; c++) {
        int e = jack_connect(p->client, jack_port_name(p->ports[c]), names[c]);
        if (e != 0 && e != EEXIST) {
            fprintf(stderr, "earshot-jackplay: cannot connect to %s\n", names[c]);
            rc = -1;
        }
    }
    jack_free(names);
    return rc;
}

static int open_client(player *p, const options *o, int rate_hz)
{
    jack_status_t status = 0;
    p->client = jack_client_open(o->client, JackNoStartServer, &status);
    if (p->client == NULL) {
        fprintf(stderr, "earshot-jackplay: cannot connect to the JACK server (status 0x%x)\n",
                (unsigned)status);
        return 1;
    }
    if ((int)jack_get_sample_rate(p->client) != rate_hz) {
        fprintf(stderr, "earshot-jackplay: %s is %d Hz but the JACK server runs at %u Hz\n",
                o->wav, rate_hz, (unsigned)jack_get_sample_rate(p->client));
        return 2;
    }
    for (int c = 0; c < p->channels; c++) {
        char name[32];
        snprintf(name, sizeof name, "out_%d", c + 1);
        p->ports[c] = jack_port_register(p->client, name, JACK_DEFAULT_AUDIO_TYPE,
                                         JackPortIsOutput, 0);
        if (p->ports[c] == NULL) {
            fprintf(stderr, "earshot-jackplay: cannot register port %s\n", name);
            return 1;
        }
    }
    jack_on_shutdown(p->client, on_shutdown, p);
    if (jack_set_process_callback(p->client, process, p) != 0 || jack_activate(p->client) != 0) {
        fprintf(stderr, "earshot-jackplay: cannot activate the JACK client\n");
        return 1;
    }
    return 0;
}

/* Plays to the end (bounded by the file's length plus 10 s). */
static int play(player *p, const options *o, int rate_hz)
{
    sleep_s(o->start_delay_s);
    atomic_store_explicit(&p->state, PLAYING, memory_order_release);
    double until = clock_s(CLOCK_MONOTONIC) + (double)p->frames / rate_hz + 10.0;
    while (atomic_load_explicit(&p->state, memory_order_acquire) != DONE) {
        if (p->loop && stop_requested)
            return 0;
        if (atomic_load(&p->shutdown)) {
            fprintf(stderr, "earshot-jackplay: the JACK server shut down\n");
            return 1;
        }
        if (!p->loop && clock_s(CLOCK_MONOTONIC) >= until) {
            fprintf(stderr, "earshot-jackplay: JACK stopped calling; played %lld of %lld frames\n",
                    (long long)p->pos, (long long)p->frames);
            return 1;
        }
        sleep_s(0.02);
    }
    sleep_s(0.1); /* let the last cycle reach the readers */
    printf("start_unix_s %.6f\nframes %lld\n", p->start_unix_s, (long long)p->frames);
    return 0;
}

int main(int argc, char **argv)
{
    options o = {.ports = "^PortAudio:in_[0-9]+$", .client = "earshot-jackplay", .wait_s = 10.0};
    if (parse_options(argc, argv, &o) != 0) {
        fputs(usage, stderr);
        return 2;
    }
    static player p;
    p.loop = o.loop;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    atomic_init(&p.state, WAITING);
    atomic_init(&p.shutdown, 0);
    int rate_hz = load_wav(&p, o.wav);
    if (rate_hz < 0)
        return 2;
    int rc = open_client(&p, &o, rate_hz);
    if (rc == 0)
        rc = connect_ports(&p, &o) == 0 ? play(&p, &o, rate_hz) : 1;
    if (p.client != NULL && !atomic_load(&p.shutdown)) {
        jack_deactivate(p.client);
        jack_client_close(p.client);
    }
    free(p.data);
    return rc;
}
