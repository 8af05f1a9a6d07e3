/* The capture helper: the process in which PortAudio runs for `earshot
 * run` (started by engine/source_portaudio.c as
 * `earshot _capture-helper FD PARENT_PID`; not for people to use).
 *
 * It finds the device named in the shared region (fd FD), checks that it
 * has the channels and the rate, opens a float32 input stream whose every
 * callback is one block, reports OPENED (or FAILED with a message naming
 * the device and what it offers), starts on the parent's command and then
 * copies each block into the shared ring. When the stream stops by itself
 * (the device or the JACK server went away) it reports LOST and exits at
 * once, calling nothing more in PortAudio: after a JACK server died,
 * PortAudio's stop and close wait 10 minutes and Pa_Terminate aborts. Its
 * stdout and stderr are /dev/null (the parent arranges it), so the noise
 * ALSA and JACK print while probing goes nowhere.
 *
 * The callback only copies: no allocation, lock, system call or printing
 * (clock_gettime is not needed here; the parent stamps blocks). */
#define _GNU_SOURCE
#include <errno.h>
#include <portaudio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "source_portaudio_internal.h"

#define POLL_S 0.02

typedef struct {
    es_pa_shm *shm;
    int64_t frames;              /* callback's frame counter */
    _Atomic int finished;            /* set by PortAudio's thread */
} helper;

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void set_message(es_pa_shm *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_message(es_pa_shm *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->message, sizeof m->message, fmt, ap);
    va_end(ap);
}

static int pa_initialised;

/* Reports a terminal state and leaves. A device that could not be opened
 * leaves the audio server working, so PortAudio is closed properly, and
 * before the state is published: the parent SIGKILLs a helper that has
 * said FAILED, and a JACK client killed halfway through closing left
 * jackd 1.9.21 unable to stop on SIGTERM. A lost one is not touched
 * again. */
static _Noreturn void finish(es_pa_shm *m, int state, int kind)
{
    if (state == ES_PA_FAILED && pa_initialised)
        Pa_Terminate();
    m->error_kind = kind;
    atomic_store_explicit(&m->state, state, memory_order_release);
    _exit(state == ES_PA_STOPPED ? 0 : 3);
}

/* ---------------------------------------------------------- the callback */

static void push_block(helper *h, const float *in, unsigned long frames)
{
    es_pa_shm *m = h->shm;
    uint32_t w = atomic_load_explicit(&m->write, memory_order_relaxed);
    uint32_t r = atomic_load_explicit(&m->read, memory_order_acquire);
    int64_t frame0 = h->frames;
    h->frames += (int64_t)frames;
    if (w - r >= m->capacity) {
        atomic_fetch_add_explicit(&m->dropped_blocks, 1, memory_order_relaxed);
        return; /* the parent sees the jump in frame0 */
    }
    es_pa_slot *s = es_pa_slot_at(m, w);
    s->frame0 = frame0;
    s->frames = (uint32_t)frames;
    float *dst = (float *)(void *)(s + 1);
    size_t n = (size_t)frames * (size_t)m->channels;
    if (in != NULL)
        memcpy(dst, in, n * sizeof *dst);
    else
        memset(dst, 0, n * sizeof *dst);
    atomic_store_explicit(&m->write, w + 1, memory_order_release);
}

static int on_audio(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags flags,
                    void *user)
{
    (void)output;
    (void)time_info;
    (void)flags;
    helper *h = user;
    const float *in = input;
    unsigned long block = h->shm->block_frames;
    while (frames > 0) { /* PortAudio keeps to framesPerBuffer; be safe anyway */
        unsigned long n = frames < block ? frames : block;
        push_block(h, in, n);
        if (in != NULL)
            in += n * (unsigned long)h->shm->channels;
        frames -= n;
    }
    return paContinue;
}

static void on_finished(void *user)
{
    atomic_store(&((helper *)user)->finished, 1);
}

/* ------------------------------------------------------ finding a device */

static const char *host_api_name(const PaDeviceInfo *d)
{
    const PaHostApiInfo *api = Pa_GetHostApiInfo(d->hostApi);
    return api != NULL && api->name != NULL ? api->name : "?";
}

/* `"name" (8 channels, 48000 Hz), ...` for every input device. */
static void list_inputs(char *out, size_t cap)
{
    size_t used = 0;
    int listed = 0;
    out[0] = '\0';
    for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d == NULL || d->maxInputChannels <= 0)
            continue;
        char one[ES_PA_NAME_MAX + 64];
        snprintf(one, sizeof one, "%s\"%s\" (%d channels, %.0f Hz)", listed ? ", " : "",
                 d->name ? d->name : "?", d->maxInputChannels, d->defaultSampleRate);
        if (used + strlen(one) + 6 >= cap) {
            snprintf(out + used, cap - used, ", ...");
            return;
        }
        used += (size_t)snprintf(out + used, cap - used, "%s", one);
        listed++;
    }
    if (listed == 0)
        snprintf(out, cap, "none found");
}

static PaDeviceIndex find_device(es_pa_shm *m)
{
    char inputs[ES_PA_MSG_MAX - 128];
    if (strcmp(m->device, "default") == 0) {
        PaDeviceIndex d = Pa_GetDefaultInputDevice();
        if (d != paNoDevice)
            return d;
        list_inputs(inputs, sizeof inputs);
        set_message(m, "audio.device: \"default\": there is no default input device; "
                       "input devices: %s", inputs);
        finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
    }
    for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d != NULL && d->maxInputChannels > 0 && d->name != NULL &&
            strcmp(d->name, m->device) == 0)
            return i;
    }
    list_inputs(inputs, sizeof inputs);
    set_message(m, "audio.device: \"%s\" not found; input devices: %s", m->device, inputs);
    finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
}

static const char *pa_error_text(PaError e)
{
    if (e == paUnanticipatedHostError) {
        const PaHostErrorInfo *h = Pa_GetLastHostErrorInfo();
        if (h != NULL && h->errorText != NULL && h->errorText[0] != '\0')
            return h->errorText;
    }
    return Pa_GetErrorText(e);
}

/* Checks channels and rate, then opens: FAILED (device) on any refusal. */
static PaStream *open_device(helper *h, PaDeviceIndex dev)
{
    es_pa_shm *m = h->shm;
    const PaDeviceInfo *d = Pa_GetDeviceInfo(dev);
    if (d->maxInputChannels < m->channels) {
        set_message(m, "audio.device: \"%s\" has %d input channels, %s needs %d", d->name,
                    d->maxInputChannels, m->channel_key, m->channels);
        finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
    }
    PaStreamParameters in = {.device = dev, .channelCount = m->channels,
                             .sampleFormat = paFloat32,
                             .suggestedLatency = d->defaultLowInputLatency};
    if (Pa_IsFormatSupported(&in, NULL, (double)m->rate_hz) != paFormatIsSupported) {
        set_message(m, "audio.device: \"%s\" does not support %d Hz (default %.0f Hz)", d->name,
                    m->rate_hz, d->defaultSampleRate);
        finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
    }
    PaStream *s = NULL;
    PaError e = Pa_OpenStream(&s, &in, NULL, (double)m->rate_hz, m->block_frames,
                              paClipOff | paDitherOff, on_audio, h);
    if (e != paNoError) {
        set_message(m, "audio.device: \"%s\": cannot open %d channels at %d Hz: %s", d->name,
                    m->channels, m->rate_hz, pa_error_text(e));
        finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
    }
    e = Pa_SetStreamFinishedCallback(s, on_finished);
    if (e != paNoError) {
        set_message(m, "audio.device: \"%s\": %s", d->name, pa_error_text(e));
        finish(m, ES_PA_FAILED, ES_PA_ERR_RUNTIME);
    }
    snprintf(m->opened, sizeof m->opened, "\"%s\" (%s)", d->name, host_api_name(d));
    return s;
}

/* ------------------------------------------------------------ lifecycle */

static es_pa_shm *map_region(const char *fd_text)
{
    char *end = NULL;
    long fd = strtol(fd_text, &end, 10);
    struct stat st;
    if (end == fd_text || *end != '\0' || fd < 0 || fstat((int)fd, &st) != 0 ||
        (size_t)st.st_size < sizeof(es_pa_shm))
        return NULL;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
    close((int)fd);
    if (p == MAP_FAILED)
        return NULL;
    es_pa_shm *m = p;
    if (m->magic != ES_PA_SHM_MAGIC || m->capacity < 2 || m->block_frames < 1 || m->channels < 1 ||
        es_pa_shm_bytes(m->capacity, m->slot_bytes) > (size_t)st.st_size ||
        m->slot_bytes < es_pa_slot_bytes(m->block_frames, m->channels))
        return NULL;
    m->device[sizeof m->device - 1] = '\0';
    m->channel_key[sizeof m->channel_key - 1] = '\0';
    return m;
}

/* Waits for the parent's start command; leaves if the parent is gone. */
static int wait_command(es_pa_shm *m, pid_t parent)
{
    for (;;) {
        int cmd = atomic_load_explicit(&m->command, memory_order_acquire);
        if (cmd != ES_PA_CMD_NONE)
            return cmd;
        if (getppid() != parent)
            _exit(0);
        sleep_s(POLL_S);
    }
}

static _Noreturn void run_stream(helper *h, PaStream *s, pid_t parent)
{
    es_pa_shm *m = h->shm;
    PaError e = Pa_StartStream(s);
    if (e != paNoError) {
        set_message(m, "audio.device: %s: cannot start: %s", m->opened, pa_error_text(e));
        finish(m, ES_PA_FAILED, ES_PA_ERR_DEVICE);
    }
    atomic_store_explicit(&m->state, ES_PA_RUNNING, memory_order_release);
    for (;;) {
        sleep_s(POLL_S);
        if (getppid() != parent)
            _exit(0);
        if (atomic_load(&h->finished) || Pa_IsStreamActive(s) != 1) {
            set_message(m, "the stream stopped (device unplugged or audio server gone)");
            finish(m, ES_PA_LOST, 0);
        }
        if (atomic_load_explicit(&m->command, memory_order_acquire) == ES_PA_CMD_STOP) {
            /* The device still works, so PortAudio can close it; the parent
             * kills us if this hangs all the same. */
            Pa_AbortStream(s);
            Pa_CloseStream(s);
            Pa_Terminate();
            finish(m, ES_PA_STOPPED, 0);
        }
    }
}

int es_cmd_capture_helper(int argc, char **argv)
{
    if (argc != 3)
        return ES_EXIT_USAGE;
    pid_t parent = (pid_t)strtol(argv[2], NULL, 10);
    /* Die with the engine, whatever kills it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return ES_EXIT_RUNTIME;
    helper h = {.shm = map_region(argv[1])};
    if (h.shm == NULL)
        return ES_EXIT_USAGE;
    PaError e = Pa_Initialize();
    pa_initialised = e == paNoError;
    if (e != paNoError) {
        set_message(h.shm, "cannot initialise PortAudio: %s", pa_error_text(e));
        finish(h.shm, ES_PA_FAILED, ES_PA_ERR_RUNTIME);
    }
    PaStream *s = open_device(&h, find_device(h.shm));
    atomic_store_explicit(&h.shm->state, ES_PA_OPENED, memory_order_release);
    if (wait_command(h.shm, parent) != ES_PA_CMD_START) {
        Pa_CloseStream(s);
        Pa_Terminate();
        finish(h.shm, ES_PA_STOPPED, 0);
    }
    run_stream(&h, s, parent);
}
