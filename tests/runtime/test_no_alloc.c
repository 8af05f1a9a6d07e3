/* The analysis path allocates nothing in steady state: after a warm-up,
 * es_pipeline_execute (condition, detect, associate, GCC-PHAT, solve,
 * uncertainty, geodesy, classify) runs a whole simulated scene, events
 * included, without a single call to malloc, calloc, realloc or
 * aligned_alloc. The allocator is interposed here (this executable's
 * definitions win over libc's) and counts calls while `counting` is set.
 * usage: test_no_alloc SITE.json AUDIO.wav */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/config.h"
#include "earshot/pipeline.h"

static _Atomic int counting;
static _Atomic long allocations;

/* glibc's own allocator, reached under its internal names. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static void count(void)
{
    if (atomic_load(&counting))
        atomic_fetch_add(&allocations, 1);
}

void *malloc(size_t n)
{
    count();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    count();
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    count();
    return __libc_realloc(p, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    count();
    return __libc_memalign(align, n);
}

#define BLOCK 256

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SITE.json AUDIO.wav\n", argv[0]);
        return 2;
    }
    static es_site_config site;
    es_error err = {{0}};
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(argv[2], SFM_READ, &info);
    if (es_site_config_load(argv[1], &site, NULL, NULL, &err) != ES_OK || sf == NULL) {
        fprintf(stderr, "FAIL: cannot load %s or %s: %s\n", argv[1], argv[2], err.msg);
        return 1;
    }
    /* The whole file in memory first: reading it may allocate. */
    size_t n = (size_t)info.frames * (size_t)info.channels;
    float *x = malloc(n * sizeof *x);
    if (x == NULL || sf_readf_float(sf, x, info.frames) != info.frames)
        return 1;
    sf_close(sf);
    es_pipeline_config pc = {.site = &site, .channels = info.channels, .max_block_frames = BLOCK};
    es_pipeline p = es_pipeline_create(&pc, &err);
    if (p == NULL)
        return 1;
    /* Warm-up: one second, so lazily initialised library state (PROJ,
     * FFTW's first execute, libm) is in place. */
    size_t frames = (size_t)info.frames, warm = (size_t)info.samplerate, done = 0;
    int events = 0;
    for (; done < warm && done < frames; done += BLOCK)
        events += es_pipeline_execute(p, x + done * (size_t)info.channels, BLOCK);
    /* The counter itself must work, or the check below proves nothing. */
    atomic_store(&counting, 1);
    free(malloc(16));
    if (atomic_exchange(&allocations, 0) != 1) {
        fprintf(stderr, "FAIL: the allocator interposition does not count\n");
        return 1;
    }
    for (; done + BLOCK <= frames; done += BLOCK)
        events += es_pipeline_execute(p, x + done * (size_t)info.channels, BLOCK);
    int n_out;
    while ((n_out = es_pipeline_finish(p)) > 0)
        events += n_out;
    atomic_store(&counting, 0);
    long seen = atomic_load(&allocations);
    es_pipeline_destroy(&p);
    free(x);
    printf("%d events; %ld allocations during %.1f s of analysis\n", events, seen,
           (double)(done - warm) / info.samplerate);
    if (events < 2 || seen != 0) {
        fprintf(stderr, "FAIL: want >= 2 events and no allocation\n");
        return 1;
    }
    return 0;
}
