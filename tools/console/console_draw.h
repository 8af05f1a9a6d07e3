/* earshot-console's drawing: the model (console_state.h) rendered as
 * lines of text that fit a given width and height, then written out,
 * either for a terminal (plain ANSI: home, clear, attributes) or as plain
 * text (--once). Rendering does no I/O, so a test can read the lines. */
#ifndef EARSHOT_CONSOLE_DRAW_H
#define EARSHOT_CONSOLE_DRAW_H

#include <stddef.h>

#include "console_state.h"

#define CD_LINE_MAX 1024        /* bytes of a line: wider terminals are cut here */

typedef enum {
    CD_PLAIN,
    CD_BOLD,                    /* titles */
    CD_REVERSE,                 /* an alerted launch */
    CD_ALARM,                   /* the engine dead or refused, a sensor not ok */
} cd_attr;

typedef struct {
    char text[CD_LINE_MAX];
    cd_attr attr;
} cd_line;

typedef struct {
    cd_line *lines;
    int n, cap;
    int width;                  /* the render's: lines are at most this long */
    int height;                 /* 0: no limit */
    int out_of_memory;          /* a line could not be added */
} console_frame;

/* Renders st for a terminal of width x height (height 0: no limit, every
 * event; width is capped at CD_LINE_MAX - 1). now_s monotonic, wall_s UNIX
 * time for the header's clock. Returns 0, or -1 out of memory. */
int console_frame_render(console_frame *f, const console_state *st, int width, int height,
                         double now_s, double wall_s);

/* Writes the frame to fd: ansi 1 redraws a terminal in place (home, each
 * line cleared, the rest of the screen cleared; clear_first clears the
 * whole screen first, after a resize); ansi 0 plain lines. color 1 adds
 * the attributes (bold, reverse video, red). Returns 0, or -1 with errno
 * set when the write failed. */
int console_frame_write(const console_frame *f, int fd, int ansi, int color, int clear_first);

void console_frame_free(console_frame *f);

/* The escape sequences that take over and give back a terminal: the
 * alternate screen, the cursor hidden and shown again. */
int console_screen_enter(int fd);
int console_screen_leave(int fd);

#endif
