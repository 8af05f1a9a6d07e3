/* earshot-console's output (see console_draw.h): a rendered frame as the
 * bytes a terminal needs, or as plain lines. The whole frame goes out in
 * one buffer, so a terminal never shows half a redraw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_draw.h"

#define ESC "\x1b"
#define SGR_RESET ESC "[0m"

typedef struct {
    char *p;
    size_t n, cap;
    int failed;                 /* out of memory */
} out_buf;

static void put(out_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 8192;
        while (cap < b->n + n)
            cap *= 2;
        char *more = realloc(b->p, cap);
        if (more == NULL) {
            b->failed = 1;
            return;
        }
        b->p = more;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void put_str(out_buf *b, const char *s) { put(b, s, strlen(s)); }

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue; /* a resize signal in the middle of a frame */
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static const char *sgr(cd_attr a)
{
    static const char *const codes[] = {"", ESC "[1m", ESC "[7m", ESC "[1;31m"};
    return codes[a];
}

/* One line in place: cleared first (the old frame's longer line must not
 * show through), the attribute, and a reverse-video bar the whole width. */
static void put_ansi_line(out_buf *b, const console_frame *f, const cd_line *l, int color)
{
    put_str(b, ESC "[2K");
    if (color && l->attr != CD_PLAIN)
        put_str(b, sgr(l->attr));
    put_str(b, l->text);
    if (color && l->attr == CD_REVERSE)
        for (int pad = f->width - (int)strlen(l->text); pad > 0; pad--)
            put(b, " ", 1);
    if (color && l->attr != CD_PLAIN)
        put_str(b, SGR_RESET);
}

static void put_ansi(out_buf *b, const console_frame *f, int color, int clear_first)
{
    if (clear_first)
        put_str(b, ESC "[2J");
    put_str(b, ESC "[H");
    for (int i = 0; i < f->n; i++) {
        /* "\r\n" between lines, none after the last: on the bottom row a
         * newline would scroll the screen */
        if (i > 0)
            put_str(b, "\r\n");
        put_ansi_line(b, f, &f->lines[i], color);
    }
    if (f->height == 0 || f->n < f->height)
        put_str(b, "\r\n" ESC "[J"); /* what the last frame had below */
}

int console_frame_write(const console_frame *f, int fd, int ansi, int color, int clear_first)
{
    out_buf b = {0};
    if (ansi) {
        put_ansi(&b, f, color, clear_first);
    } else {
        for (int i = 0; i < f->n; i++) {
            put_str(&b, f->lines[i].text);
            put(&b, "\n", 1);
        }
    }
    int rc = b.failed ? (errno = ENOMEM, -1) : write_all(fd, b.p, b.n);
    free(b.p);
    return rc;
}

int console_screen_enter(int fd)
{
    static const char enter[] = ESC "[?1049h" ESC "[?25l" ESC "[2J";
    return write_all(fd, enter, sizeof enter - 1);
}

int console_screen_leave(int fd)
{
    static const char leave[] = SGR_RESET ESC "[?25h" ESC "[?1049l";
    return write_all(fd, leave, sizeof leave - 1);
}
