/* earshot devices: lists the PortAudio input devices, so an operator can
 * pick audio.device and check channel counts and rates before `earshot run`.
 *
 * PortAudio's back ends (ALSA, JACK, OSS) print their probing failures to
 * stderr, which on a machine without sound cards is a screenful of noise.
 * fd 2 is pointed at /dev/null while PortAudio starts and stops; our own
 * messages are printed after it is restored. */
#include <fcntl.h>
#include <portaudio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

static const char devices_usage[] =
    "usage: earshot devices\n"
    "\n"
    "Lists the PortAudio input devices: index, name, host API, maximum input\n"
    "channels and default sample rate; '*' marks the default input. The name\n"
    "goes in the site config's audio.device. Prints \"no audio input devices\n"
    "found\" (and exits 0) when there are none.\n"
    "\n"
    "options:\n"
    "  -h, --help   this help\n"
    "\n"
    "exit status: 0 listed (or none found); 1 PortAudio failed; 2 bad usage\n";

/* Returns a duplicate of the old fd 2, or -1 if stderr was left as it was. */
static int silence_stderr(void)
{
    fflush(stderr);
    int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (saved < 0)
        return -1;
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 2) < 0) {
        if (null_fd >= 0)
            close(null_fd);
        close(saved);
        return -1;
    }
    close(null_fd);
    return saved;
}

static void restore_stderr(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
}

static void print_device(PaDeviceIndex i, const PaDeviceInfo *dev, int is_default)
{
    const PaHostApiInfo *api = Pa_GetHostApiInfo(dev->hostApi);
    printf("%c %3d  %-40s  %-26s  %6d  %9.0f Hz\n", is_default ? '*' : ' ', (int)i,
           dev->name != NULL ? dev->name : "?", api != NULL && api->name != NULL ? api->name : "?",
           dev->maxInputChannels, dev->defaultSampleRate);
}

/* Prints the input devices; returns how many, or a negative PaError. */
static int list_inputs(void)
{
    PaDeviceIndex count = Pa_GetDeviceCount();
    if (count < 0)
        return count;
    PaDeviceIndex default_in = Pa_GetDefaultInputDevice();
    int listed = 0;
    for (PaDeviceIndex i = 0; i < count; i++) {
        const PaDeviceInfo *dev = Pa_GetDeviceInfo(i);
        if (dev == NULL || dev->maxInputChannels <= 0)
            continue;
        if (listed++ == 0)
            printf("  %3s  %-40s  %-26s  %6s  %12s\n", "#", "name", "host API", "inputs",
                   "default rate");
        print_device(i, dev, i == default_in);
    }
    if (listed > 0)
        printf("(* default input)\n");
    return listed;
}

int es_cmd_devices(int argc, char **argv)
{
    if (argc > 1) {
        if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
            fputs(devices_usage, stdout);
            return ES_EXIT_OK;
        }
        fprintf(stderr, "earshot: devices: unexpected argument '%s'\n", argv[1]);
        fputs(devices_usage, stderr);
        return ES_EXIT_USAGE;
    }
    int saved = silence_stderr();
    PaError pa = Pa_Initialize();
    restore_stderr(saved);
    if (pa != paNoError) {
        fprintf(stderr, "earshot: devices: cannot initialise PortAudio: %s\n", Pa_GetErrorText(pa));
        return ES_EXIT_RUNTIME;
    }
    int listed = list_inputs();
    saved = silence_stderr();
    Pa_Terminate();
    restore_stderr(saved);
    if (listed < 0) {
        fprintf(stderr, "earshot: devices: cannot list devices: %s\n", Pa_GetErrorText(listed));
        return ES_EXIT_RUNTIME;
    }
    if (listed == 0)
        printf("no audio input devices found\n");
    return ES_EXIT_OK;
}
