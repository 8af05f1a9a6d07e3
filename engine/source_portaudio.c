/* The live PortAudio source (see include/earshot/source_portaudio.h): the
 * parent side. Starts the capture helper (engine/capture_helper.c) on a
 * shared region, relays its blocks into the capture ring, watches it and
 * replaces it when the device is lost. */
#define _GNU_SOURCE
#include "earshot/source_portaudio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "earshot/publisher.h"
#include "source_portaudio_internal.h"

extern char **environ;

#define RELAY_IDLE_S 0.001      /* poll of an empty region: < half a block */
#define POLL_S 0.01             /* waits for the helper's state */
#define STOP_WAIT_S 1.0         /* a helper asked to stop gets this long */
#define KILL_WAIT_S 1.0         /* a killed one this long to be reaped now */
#define FIRST_AUDIO_S 3.0       /* a started stream delivers within this */
#define REOPEN_TIMEOUT_S 5.0    /* a reopen attempt gets this long */
#define MAX_UNREAPED 16

typedef struct {
    pid_t pid;                  /* 0: none */
    es_pa_shm *shm;
    size_t bytes;
    pthread_t relay;
    int relay_started;
    _Atomic int relay_stop;
    double spawned_s, started_s;
} generation;

struct es_pa_source_s {
    es_pa_source_config cfg;
    char config_name[256], device[ES_PA_NAME_MAX], channel_key[64], opened[ES_PA_NAME_MAX];
    generation gen;
    int started, up;
    int reopening;              /* gen is a reopen attempt */
    double lost_at_s, last_try_s;
    char last_note[ES_PA_MSG_MAX];
    pid_t unreaped[MAX_UNREAPED];
    /* Relay thread <-> watchdog. */
    _Atomic double last_audio_s;     /* CLOCK_MONOTONIC of the last block relayed */
    _Atomic int64_t gen_blocks;      /* blocks relayed from the current helper */
    double resume_after_s;           /* a reopen: the last audio before the loss */
    _Atomic unsigned long long dropped;
};

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ----------------------------------------------------------------- relay */

/* The first block of a reopened device: the frames of the time it was
 * away are skipped, so the stream time keeps up with the wall clock and
 * the analysis sees a jump in frame0 (it restarts its filters there). */
static void skip_outage(es_pa_source s, uint32_t frames)
{
    double away_s = es_clock_mono_s() - s->resume_after_s;
    int64_t skip = llround(away_s * s->cfg.rate_hz) - (int64_t)frames;
    es_capture_skip(s->cfg.capture, skip > 1 ? skip : 1);
}

/* Moves every waiting block into the capture ring; returns how many. */
static int relay_waiting(es_pa_source s, generation *g, int64_t *expected)
{
    es_pa_shm *m = g->shm;
    uint32_t r = atomic_load_explicit(&m->read, memory_order_relaxed);
    uint32_t w = atomic_load_explicit(&m->write, memory_order_acquire);
    int moved = 0;
    for (; r != w; r++, moved++) {
        const es_pa_slot *slot = es_pa_slot_at(m, r);
        uint32_t frames = slot->frames <= m->block_frames ? slot->frames : m->block_frames;
        if (*expected < 0 && s->resume_after_s > 0.0)
            skip_outage(s, frames);
        else if (*expected >= 0 && slot->frame0 > *expected) /* the helper dropped blocks */
            es_capture_skip(s->cfg.capture, slot->frame0 - *expected);
        es_capture_push(s->cfg.capture, (const float *)(const void *)(slot + 1), frames);
        *expected = slot->frame0 + (int64_t)frames;
        atomic_store_explicit(&m->read, r + 1, memory_order_release);
        atomic_store_explicit(&s->last_audio_s, es_clock_mono_s(), memory_order_relaxed);
        atomic_fetch_add_explicit(&s->gen_blocks, 1, memory_order_relaxed);
    }
    if (moved > 0)
        es_capture_notify(s->cfg.capture);
    return moved;
}

static void *relay_main(void *arg)
{
    es_pa_source s = arg;
    generation *g = &s->gen;
    int64_t expected = -1;
    for (;;) {
        int stop = atomic_load_explicit(&g->relay_stop, memory_order_acquire);
        if (relay_waiting(s, g, &expected) == 0) {
            if (stop)
                break;
            sleep_s(RELAY_IDLE_S);
        }
    }
    return NULL;
}

/* ----------------------------------------------------------- the helper */

static void remember_unreaped(es_pa_source s, pid_t pid)
{
    for (int i = 0; i < MAX_UNREAPED; i++)
        if (s->unreaped[i] == 0) {
            s->unreaped[i] = pid;
            return;
        }
}

static void reap_unreaped(es_pa_source s)
{
    for (int i = 0; i < MAX_UNREAPED; i++)
        if (s->unreaped[i] != 0 && waitpid(s->unreaped[i], NULL, WNOHANG) != 0)
            s->unreaped[i] = 0;
}

/* 1 once the helper has exited (and is reaped). */
static int helper_exited(generation *g, int *status)
{
    if (g->pid == 0)
        return 1;
    pid_t r = waitpid(g->pid, status, WNOHANG);
    if (r == g->pid || (r < 0 && errno == ECHILD)) {
        g->pid = 0;
        return 1;
    }
    return 0;
}

static int wait_exit(generation *g, double timeout_s)
{
    double until = es_clock_mono_s() + timeout_s;
    while (!helper_exited(g, NULL)) {
        if (es_clock_mono_s() >= until)
            return 0;
        sleep_s(POLL_S);
    }
    return 1;
}

/* Ends the current helper, politely if `ask` (it closes PortAudio), by
 * SIGKILL otherwise or when it does not go; never waits for long. */
static void end_generation(es_pa_source s, int ask)
{
    generation *g = &s->gen;
    if (g->pid != 0 && ask && g->shm != NULL) {
        atomic_store_explicit(&g->shm->command, ES_PA_CMD_STOP, memory_order_release);
        wait_exit(g, STOP_WAIT_S);
    }
    if (g->pid != 0) {
        kill(g->pid, SIGKILL);
        if (!wait_exit(g, KILL_WAIT_S))
            remember_unreaped(s, g->pid); /* stuck in the kernel: reaped later */
        g->pid = 0;
    }
    if (g->relay_started) {
        atomic_store_explicit(&g->relay_stop, 1, memory_order_release);
        pthread_join(g->relay, NULL);
        g->relay_started = 0;
    }
    if (g->shm != NULL) {
        atomic_fetch_add_explicit(&s->dropped, atomic_load(&g->shm->dropped_blocks),
                                  memory_order_relaxed);
        munmap(g->shm, g->bytes); /* a helper still dying keeps its own mapping */
        g->shm = NULL;
    }
}

static es_pa_shm *make_region(es_pa_source s, int *fd_out, size_t *bytes_out, es_error *err)
{
    uint32_t block = (uint32_t)es_capture_block_frames(s->cfg.capture);
    uint32_t capacity = 16;
    while (capacity < 1u << 20 && (double)capacity * block < 1.0 * s->cfg.rate_hz)
        capacity *= 2; /* at least a second of audio */
    size_t slot = es_pa_slot_bytes(block, s->cfg.channels);
    size_t bytes = es_pa_shm_bytes(capacity, slot);
    int fd = memfd_create("earshot-capture", MFD_CLOEXEC);
    if (fd >= 0 && fd < 10) { /* fd 3 in the helper: keep ours out of 0..9 */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        close(fd);
        fd = high;
    }
    void *p = MAP_FAILED;
    if (fd >= 0 && ftruncate(fd, (off_t)bytes) == 0)
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        es_error_set(err, ES_EIO, "audio capture: shared memory: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    es_pa_shm *m = p; /* ftruncate zero-filled it */
    m->magic = ES_PA_SHM_MAGIC;
    m->capacity = capacity;
    m->block_frames = block;
    m->channels = s->cfg.channels;
    m->rate_hz = s->cfg.rate_hz;
    m->slot_bytes = (uint32_t)slot;
    snprintf(m->device, sizeof m->device, "%s", s->device);
    snprintf(m->channel_key, sizeof m->channel_key, "%s", s->channel_key);
    *fd_out = fd;
    *bytes_out = bytes;
    return m;
}

static int spawn_helper(es_pa_source s, int fd, pid_t *pid, es_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&dflt, sigs[i]);
    char fd_arg[16], ppid_arg[24];
    snprintf(fd_arg, sizeof fd_arg, "3");
    snprintf(ppid_arg, sizeof ppid_arg, "%ld", (long)getpid());
    char *argv[] = {"earshot", ES_PA_HELPER_ARG, fd_arg, ppid_arg, NULL};
    const char *exe = s->cfg.helper_exe ? s->cfg.helper_exe : "/proc/self/exe";
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        /* Quiet: ALSA and JACK print their probing to stderr. */
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, fd, 3);
        posix_spawn_file_actions_addclosefrom_np(&fa, 4); /* --events file and all */
        rc = posix_spawnattr_init(&at);
        if (rc == 0) {
            /* Own process group: a terminal's Ctrl-C reaches only the
             * engine, which then stops the helper in order. */
            posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETPGROUP);
            posix_spawnattr_setsigmask(&at, &none);
            posix_spawnattr_setsigdefault(&at, &dflt);
            posix_spawnattr_setpgroup(&at, 0);
            rc = posix_spawn(pid, exe, &fa, &at, argv, environ);
            posix_spawnattr_destroy(&at);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    if (rc != 0)
        return es_error_set(err, ES_EIO, "audio capture: cannot start %s: %s", exe, strerror(rc));
    return ES_OK;
}

/* Starts a helper on a fresh region; `command` is its first order. */
static int start_generation(es_pa_source s, int command, es_error *err)
{
    generation *g = &s->gen;
    memset(g, 0, sizeof *g);
    int fd = -1;
    g->shm = make_region(s, &fd, &g->bytes, err);
    if (g->shm == NULL)
        return ES_EIO;
    atomic_store_explicit(&g->shm->command, command, memory_order_release);
    int rc = spawn_helper(s, fd, &g->pid, err);
    close(fd);
    g->spawned_s = es_clock_mono_s();
    if (rc != ES_OK) {
        g->pid = 0;
        end_generation(s, 0);
        return rc;
    }
    atomic_store_explicit(&s->gen_blocks, 0, memory_order_relaxed);
    if (command == ES_PA_CMD_START) {
        atomic_init(&g->relay_stop, 0);
        if (pthread_create(&g->relay, NULL, relay_main, s) != 0) {
            end_generation(s, 0);
            return es_error_set(err, ES_EIO, "audio capture: cannot start the relay thread");
        }
        g->relay_started = 1;
    }
    return ES_OK;
}

static int helper_state(const generation *g)
{
    return atomic_load_explicit(&g->shm->state, memory_order_acquire);
}

/* Waits until the helper leaves `from` (or exits, or time runs out);
 * returns the state, -1 if it exited without saying, -2 on timeout. */
static int wait_state(generation *g, int from, double timeout_s)
{
    double until = es_clock_mono_s() + timeout_s;
    for (;;) {
        int st = helper_state(g);
        if (st != from)
            return st;
        int status = 0;
        if (helper_exited(g, &status))
            return helper_state(g) != from ? helper_state(g) : -1;
        if (es_clock_mono_s() >= until)
            return -2;
        sleep_s(POLL_S);
    }
}

static int open_error(es_pa_source s, int st, double timeout_s, es_error *err)
{
    const es_pa_shm *m = s->gen.shm;
    if ((st == ES_PA_FAILED || st == ES_PA_LOST) && m->error_kind == ES_PA_ERR_DEVICE)
        return es_error_set(err, ES_EINVAL, "%s: %s", s->config_name, m->message);
    if (st == ES_PA_FAILED || st == ES_PA_LOST)
        return es_error_set(err, ES_EIO, "audio capture: %s", m->message);
    if (st == -2)
        return es_error_set(err, ES_EIO, "%s: audio.device: \"%s\" did not open within %.0f s",
                            s->config_name, s->device, timeout_s);
    return es_error_set(err, ES_EIO, "%s: audio.device: \"%s\": the capture helper died",
                        s->config_name, s->device);
}

/* ------------------------------------------------------------ public API */

es_pa_source es_pa_source_create(const es_pa_source_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->capture == NULL || cfg->device == NULL || cfg->rate_hz <= 0 ||
        cfg->channels < 1 || cfg->channels != es_capture_channels(cfg->capture)) {
        es_error_set(err, ES_EINVAL, "audio capture: a device, a rate and a capture with the "
                                     "channels to open are needed");
        return NULL;
    }
    es_pa_source s = calloc(1, sizeof *s);
    if (s == NULL) {
        es_error_set(err, ES_ENOMEM, "audio capture: out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    snprintf(s->config_name, sizeof s->config_name, "%s", cfg->config_name ? cfg->config_name : "config");
    snprintf(s->device, sizeof s->device, "%s", cfg->device);
    snprintf(s->channel_key, sizeof s->channel_key, "%s",
             cfg->channel_key ? cfg->channel_key : "the config");
    if (!(s->cfg.open_timeout_s > 0.0))
        s->cfg.open_timeout_s = 15.0;
    if (!(s->cfg.lost_after_s > 0.0))
        s->cfg.lost_after_s = 0.5;
    if (!(s->cfg.retry_period_s > 0.0))
        s->cfg.retry_period_s = 2.0;
    atomic_init(&s->last_audio_s, 0.0);
    atomic_init(&s->gen_blocks, 0);
    atomic_init(&s->dropped, 0);
    return s;
}

int es_pa_source_open(es_pa_source s, es_error *err)
{
    if (s->gen.shm != NULL || s->started)
        return es_error_set(err, ES_EINVAL, "audio capture: already open");
    int rc = start_generation(s, ES_PA_CMD_NONE, err);
    if (rc != ES_OK)
        return rc;
    int st = wait_state(&s->gen, ES_PA_STARTING, s->cfg.open_timeout_s);
    if (st != ES_PA_OPENED) {
        rc = open_error(s, st, s->cfg.open_timeout_s, err);
        end_generation(s, 0);
        return rc;
    }
    snprintf(s->opened, sizeof s->opened, "%s", s->gen.shm->opened);
    return ES_OK;
}

const char *es_pa_source_device(es_pa_source s)
{
    return s->opened;
}

int es_pa_source_start(es_pa_source s, es_error *err)
{
    generation *g = &s->gen;
    if (s->started || g->shm == NULL)
        return es_error_set(err, ES_EINVAL, "audio capture: already started or not open");
    atomic_init(&g->relay_stop, 0);
    if (pthread_create(&g->relay, NULL, relay_main, s) != 0)
        return es_error_set(err, ES_EIO, "audio capture: cannot start the relay thread");
    g->relay_started = 1;
    atomic_store_explicit(&g->shm->command, ES_PA_CMD_START, memory_order_release);
    int st = wait_state(g, ES_PA_OPENED, s->cfg.open_timeout_s);
    if (st != ES_PA_RUNNING)
        return open_error(s, st, s->cfg.open_timeout_s, err);
    s->started = s->up = 1;
    g->started_s = es_clock_mono_s();
    return ES_OK;
}

/* Why the running helper no longer delivers, or NULL. */
static const char *lost_reason(es_pa_source s, double now_s, char *buf, size_t cap)
{
    generation *g = &s->gen;
    int st = helper_state(g);
    if (st == ES_PA_LOST || st == ES_PA_FAILED)
        return g->shm->message;
    int status = 0;
    if (helper_exited(g, &status)) {
        snprintf(buf, cap, "the capture helper died (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return buf;
    }
    double last_s = atomic_load_explicit(&s->last_audio_s, memory_order_relaxed);
    int64_t blocks = atomic_load_explicit(&s->gen_blocks, memory_order_relaxed);
    if (blocks == 0 && now_s - g->started_s > FIRST_AUDIO_S) {
        snprintf(buf, cap, "no audio %.1f s after starting", now_s - g->started_s);
        return buf;
    }
    if (blocks > 0 && now_s - last_s > s->cfg.lost_after_s) {
        snprintf(buf, cap, "no audio for %.1f s", now_s - last_s);
        return buf;
    }
    return NULL;
}

static es_pa_event watch_up(es_pa_source s, double now_s, char *msg, size_t cap)
{
    char why[ES_PA_MSG_MAX];
    const char *reason = lost_reason(s, now_s, why, sizeof why);
    if (reason == NULL)
        return ES_PA_EVENT_NONE;
    snprintf(msg, cap, "audio device %s lost: %s; sensors reported not ok; reopening every %.0f s",
             s->opened, reason, s->cfg.retry_period_s);
    end_generation(s, 0); /* never ask PortAudio to close a lost stream */
    /* The relay has stopped: what it shares with us can change now. */
    s->up = 0;
    s->lost_at_s = now_s;
    s->last_try_s = now_s;
    s->resume_after_s = atomic_load_explicit(&s->last_audio_s, memory_order_relaxed);
    if (!(s->resume_after_s > 0.0))
        s->resume_after_s = now_s;
    s->last_note[0] = '\0';
    return ES_PA_EVENT_LOST;
}

/* A reopen attempt that failed: a note when its reason is new. */
static es_pa_event attempt_failed(es_pa_source s, const char *reason, char *msg, size_t cap)
{
    char why[ES_PA_MSG_MAX];
    snprintf(why, sizeof why, "%s", reason); /* it may live in the region unmapped next */
    end_generation(s, 0);
    /* Blocks this attempt relayed already count: the next skip starts there. */
    double last_s = atomic_load_explicit(&s->last_audio_s, memory_order_relaxed);
    if (last_s > s->resume_after_s)
        s->resume_after_s = last_s;
    if (strcmp(why, s->last_note) == 0)
        return ES_PA_EVENT_NONE;
    snprintf(s->last_note, sizeof s->last_note, "%s", why);
    snprintf(msg, cap, "audio device \"%s\" still unavailable: %s", s->device, why);
    return ES_PA_EVENT_NOTE;
}

static es_pa_event watch_down(es_pa_source s, double now_s, char *msg, size_t cap)
{
    generation *g = &s->gen;
    if (g->shm == NULL) {
        if (now_s - s->last_try_s < s->cfg.retry_period_s)
            return ES_PA_EVENT_NONE;
        s->last_try_s = now_s;
        es_error err = {{0}};
        if (start_generation(s, ES_PA_CMD_START, &err) != ES_OK)
            return attempt_failed(s, err.msg, msg, cap);
        return ES_PA_EVENT_NONE;
    }
    int st = helper_state(g);
    if (st == ES_PA_RUNNING && atomic_load_explicit(&s->gen_blocks, memory_order_relaxed) > 0) {
        s->up = 1;
        g->started_s = now_s;
        snprintf(s->opened, sizeof s->opened, "%s", g->shm->opened);
        snprintf(msg, cap, "audio device %s is back after %.1f s; sensors ok again", s->opened,
                 now_s - s->lost_at_s);
        return ES_PA_EVENT_RESTORED;
    }
    if (st == ES_PA_FAILED || st == ES_PA_LOST)
        return attempt_failed(s, g->shm->message, msg, cap);
    if (helper_exited(g, NULL))
        return attempt_failed(s, "the capture helper died", msg, cap);
    if (now_s - g->spawned_s > REOPEN_TIMEOUT_S)
        return attempt_failed(s, "the device did not start in time", msg, cap);
    return ES_PA_EVENT_NONE;
}

es_pa_event es_pa_source_watch(es_pa_source s, char *msg, size_t cap)
{
    if (cap > 0)
        msg[0] = '\0';
    reap_unreaped(s);
    if (!s->started)
        return ES_PA_EVENT_NONE;
    double now_s = es_clock_mono_s();
    return s->up ? watch_up(s, now_s, msg, cap) : watch_down(s, now_s, msg, cap);
}

/* A helper whose device works can be asked to close it; a lost one not. */
static int may_ask(es_pa_source s)
{
    return s->gen.shm != NULL && (s->up || helper_state(&s->gen) == ES_PA_OPENED);
}

void es_pa_source_stop(es_pa_source s)
{
    if (s == NULL)
        return;
    end_generation(s, may_ask(s));
    s->started = s->up = 0;
}

unsigned long long es_pa_source_dropped(es_pa_source s)
{
    unsigned long long d = atomic_load_explicit(&s->dropped, memory_order_relaxed);
    if (s->gen.shm != NULL)
        d += atomic_load_explicit(&s->gen.shm->dropped_blocks, memory_order_relaxed);
    return d;
}

void es_pa_source_destroy(es_pa_source *sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    es_pa_source s = *sp;
    end_generation(s, may_ask(s));
    for (int i = 0; i < MAX_UNREAPED; i++)
        if (s->unreaped[i] != 0)
            waitpid(s->unreaped[i], NULL, WNOHANG);
    free(s);
    *sp = NULL;
}
