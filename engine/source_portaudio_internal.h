/* The memory shared by `earshot run` and its capture helper process
 * (engine/source_portaudio.c, engine/capture_helper.c).
 *
 * PortAudio runs in a child process because a JACK server that dies under
 * an open stream leaves PortAudio unable to let go of it: Pa_AbortStream
 * and Pa_CloseStream wait 10 minutes for a process thread that is gone,
 * and Pa_Terminate fails an assert() and aborts (Debian's 19.6.0). A
 * helper can simply be killed and started again; the engine cannot.
 *
 * One region per helper: this header, then `capacity` slots of
 * es_pa_slot + block_frames x channels interleaved floats. The helper's
 * PortAudio callback is the only writer of slots and `write`; the parent's
 * relay thread is the only reader and writer of `read`. Lock-free atomics
 * work across processes on shared pages. */
#ifndef EARSHOT_SOURCE_PORTAUDIO_INTERNAL_H
#define EARSHOT_SOURCE_PORTAUDIO_INTERNAL_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ES_PA_SHM_MAGIC 0x45535043u   /* "ESPC" */
#define ES_PA_MSG_MAX 1024
#define ES_PA_NAME_MAX 256
#define ES_PA_HELPER_ARG "_capture-helper"

/* Helper states, in the order they happen. */
enum {
    ES_PA_STARTING = 0,  /* initialising PortAudio, looking for the device */
    ES_PA_OPENED,        /* stream open, waiting for ES_PA_CMD_START */
    ES_PA_RUNNING,       /* stream started */
    ES_PA_FAILED,        /* could not open: `message`, `error_kind` */
    ES_PA_LOST,          /* the stream stopped by itself: `message` */
    ES_PA_STOPPED        /* closed on ES_PA_CMD_STOP */
};

enum { ES_PA_CMD_NONE = 0, ES_PA_CMD_START, ES_PA_CMD_STOP };

/* Why opening failed: the device or config (exit 2) or anything else. */
enum { ES_PA_ERR_DEVICE = 1, ES_PA_ERR_RUNTIME = 2 };

typedef struct {
    /* Written by the parent before the helper starts. */
    uint32_t magic;
    uint32_t capacity;                 /* slots, a power of two */
    uint32_t block_frames;             /* frames per callback */
    int32_t channels;                  /* opened */
    int32_t rate_hz;
    uint32_t slot_bytes;               /* es_pa_slot + samples, 64-aligned */
    char device[ES_PA_NAME_MAX];       /* audio.device: a name or "default" */
    char channel_key[64];              /* the config key that needs `channels` */
    _Atomic int32_t command;           /* ES_PA_CMD_*, set by the parent */
    /* Written by the helper; `message` and `opened` before `state`. */
    _Atomic int32_t state;             /* ES_PA_* */
    int32_t error_kind;                /* ES_PA_ERR_* when FAILED */
    char message[ES_PA_MSG_MAX];
    char opened[ES_PA_NAME_MAX];       /* the device opened, with its host API */
    alignas(64) _Atomic uint32_t write;          /* next slot to fill */
    alignas(64) _Atomic uint32_t read;           /* next slot to read */
    alignas(64) _Atomic uint64_t dropped_blocks; /* slots full in the callback */
} es_pa_shm;

typedef struct {
    int64_t frame0;      /* the helper's frame count at the first frame */
    uint32_t frames;
    uint32_t reserved;
} es_pa_slot;

static inline size_t es_pa_slot_bytes(uint32_t block_frames, int channels)
{
    size_t b = sizeof(es_pa_slot) + (size_t)block_frames * (size_t)channels * sizeof(float);
    return (b + 63) / 64 * 64;
}

static inline size_t es_pa_shm_bytes(uint32_t capacity, size_t slot_bytes)
{
    return (sizeof(es_pa_shm) + 63) / 64 * 64 + (size_t)capacity * slot_bytes;
}

static inline es_pa_slot *es_pa_slot_at(es_pa_shm *m, uint32_t index)
{
    unsigned char *base = (unsigned char *)m + (sizeof(es_pa_shm) + 63) / 64 * 64;
    return (es_pa_slot *)(void *)(base + (size_t)(index & (m->capacity - 1)) * m->slot_bytes);
}

#endif
