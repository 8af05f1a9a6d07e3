/* earshot-console's model and layout without a network or a terminal:
 * items as the subscriber core hands them out go into the model, frames
 * come out as lines. What a replayed scene cannot show on demand: a
 * revision arriving late, a withdrawn alert, a seq gap, an engine
 * restart, hostile bytes in a body, the DEAD and REFUSED states at their
 * exact times, a terminal too small for the events or the sensors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "console_draw.h"
#include "console_state.h"

static uint64_t next_seq;

/* Applies one message (body as JSON text) at monotonic time now_s, with
 * what the subscriber core says of its seq (it: gap, restarted). */
static void sequenced(console_state *st, es_sub_item it, const char *topic,
                      const char *body_json, double now_s)
{
    it.kind = ES_SUB_MESSAGE;
    snprintf(it.topic, sizeof it.topic, "%s", topic);
    json_error_t jerr;
    it.body = json_loads(body_json, 0, &jerr);
    CHECK(it.body != NULL, "test body: %s", jerr.text);
    console_state_apply(st, &it, now_s, 1.8e9);
    es_sub_item_clear(&it);
}

static void message(console_state *st, const char *topic, const char *body_json, double now_s)
{
    sequenced(st, (es_sub_item){.seq = next_seq++}, topic, body_json, now_s);
}

static void link_item(console_state *st, es_sub_kind kind, const char *reason)
{
    es_sub_item it = {.kind = kind};
    snprintf(it.reason, sizeof it.reason, "%s", reason);
    console_state_apply(st, &it, 0.0, 1.8e9);
}

static void event(console_state *st, const char *topic, const char *id, int revision,
                  const char *kind, const char *cls)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"revision\":%d,\"kind\":\"%s\",\"class\":\"%s\",\"t_origin\":1.5,"
             "\"range_m\":1234.5,\"bearing_deg\":30.25,\"confidence\":0.9,"
             "\"uncertainty\":{\"cep50_m\":12.0},\"sensors\":[\"S1\",\"S2\",\"S3\",\"S4\"]}",
             id, revision, kind, cls);
    message(st, topic, body, 1.0);
}

static const cs_event *row(const console_state *st, int i)
{
    const cs_event *rows[CS_EVENTS_MAX];
    int n = console_state_newest_first(st, rows, CS_EVENTS_MAX);
    return i < n ? rows[i] : NULL;
}

/* The frame's text, lines joined by '\n'. */
static const char *frame_text(console_frame *f, const console_state *st, int width, int height,
                              double now_s)
{
    static char all[1 << 18];
    CHECK(console_frame_render(f, st, width, height, now_s, 1.8e9) == 0, "render failed");
    size_t used = 0;
    for (int i = 0; i < f->n && used + CD_LINE_MAX + 2 < sizeof all; i++)
        used += (size_t)snprintf(all + used, sizeof all - used, "%s\n", f->lines[i].text);
    all[used] = '\0';
    return all;
}

/* The frame with no limit of height holds every text of want (NULL-ended). */
static void expect_frame(const console_state *st, double now_s, const char *const *want)
{
    console_frame f = {0};
    const char *text = frame_text(&f, st, 300, 0, now_s);
    for (; *want != NULL; want++)
        CHECK(strstr(text, *want) != NULL, "no '%s' in:\n%s", *want, text);
    console_frame_free(&f);
}

static void test_revisions(void)
{
    console_state *st = console_state_create("ipc://x", 0.0);
    event(st, "alert", "E1", 0, "launch", "mortar");
    event(st, "event", "E1", 0, "launch", "mortar");
    event(st, "alert", "E1", 2, "launch", "rocket");
    event(st, "event", "E1", 1, "launch", "unknown"); /* late: must not undo r2 */
    event(st, "event", "E2", 0, "impact", "unknown");
    event(st, "alert", "E3", 0, "launch", "mortar");
    event(st, "alert", "E3", 1, "unknown", "unknown"); /* the engine withdrew it */
    CHECK(st->n_events == 3, "3 ids, %d rows", st->n_events);
    const cs_event *e1 = row(st, 2), *e2 = row(st, 1), *e3 = row(st, 0);
    CHECK(e1 != NULL && strcmp(e1->id, "E1") == 0, "oldest last");
    CHECK(e1 != NULL && e1->revision == 2 && strcmp(e1->cls, "rocket") == 0 && e1->alerted,
          "E1 at r2, rocket, alerted");
    CHECK(e2 != NULL && !e2->alerted, "E2 never alerted");
    CHECK(e3 != NULL && e3->alerted && strcmp(e3->kind, "unknown") == 0, "E3 withdrawn");
    console_frame f = {0};
    const char *text = frame_text(&f, st, 200, 0, 1.0);
    CHECK(strstr(text, "ALERT     +1.500s       E1      r2   launch  rocket       1.234    30.2"
                       "      12  0.90") != NULL,
          "E1's row:\n%s", text);
    CHECK(strstr(text, "WITHDRAWN") != NULL, "E3 marked withdrawn:\n%s", text);
    int alert_rows = 0;
    for (int i = 0; i < f.n; i++)
        alert_rows += f.lines[i].attr == CD_REVERSE;
    CHECK(alert_rows == 1, "one row in reverse video (E1), %d", alert_rows);
    console_frame_free(&f);
    console_state_destroy(&st);
}

static void test_gap_and_restart(void)
{
    console_state *st = console_state_create("ipc://x", 0.0);
    event(st, "alert", "E1", 0, "launch", "mortar");
    sequenced(st, (es_sub_item){.seq = 9, .gap = 3, .previous_seq = 5}, "heartbeat", "{}", 1.0);
    CHECK(st->lost == 3 && st->gaps == 1 && st->last_gap_seq == 9, "gap: lost %llu",
          (unsigned long long)st->lost);
    sequenced(st, (es_sub_item){.seq = 0, .restarted = 1, .previous_seq = 9}, "alert",
              "{\"id\":\"E1\",\"revision\":0,\"kind\":\"launch\"}", 1.0);
    CHECK(st->restarts == 1 && st->n_events == 2, "a new process: E1 is a new row");
    /* a line array's mirror position, which the README asks a console to show */
    message(st, "event",
            "{\"id\":\"E2\",\"kind\":\"launch\",\"alternative\":{\"range_m\":4990.0,"
            "\"bearing_deg\":210.0,\"probability\":0.48}}",
            1.0);
    expect_frame(st, 1.0,
                 (const char *[]){"lost 3 in 1 gaps (last gap: 3 lost before seq 9", " E1*",
                                  "* an earlier engine process", " 4.99km@210.0deg,p0.48 ", NULL});
    console_state_destroy(&st);
}

static void test_engine_states(void)
{
    console_state *st = console_state_create("ipc://x", 100.0);
    CHECK(console_state_engine(st, 102.9) == CS_DISCONNECTED, "not yet 3 s");
    CHECK(console_state_engine(st, 103.0) == CS_DEAD, "3 s without a heartbeat");
    link_item(st, ES_SUB_CONNECTED, "ipc://x");
    message(st, "heartbeat", "{\"sensors\":[]}", 110.0);
    CHECK(console_state_engine(st, 112.9) == CS_CONNECTED, "heartbeat 2.9 s ago");
    CHECK(console_state_engine(st, 113.0) == CS_DEAD, "a link up but silent 3 s is dead");
    link_item(st, ES_SUB_DISCONNECTED, "ipc://x");
    CHECK(console_state_engine(st, 111.0) == CS_DISCONNECTED, "link down");
    link_item(st, ES_SUB_REFUSED, "ipc://x: the CURVE handshake failed");
    CHECK(console_state_engine(st, 111.0) == CS_REFUSED, "refused");
    expect_frame(st, 111.0, (const char *[]){"ENGINE REFUSED", "CURVE handshake", NULL});
    console_state_destroy(&st);
}

/* Control bytes in a body never reach the terminal; unknown flags show. */
static void test_hostile_and_flags(void)
{
    console_state *st = console_state_create("ipc://x", 0.0);
    message(st, "event",
            "{\"id\":\"E\\u001b[2J\",\"kind\":\"launch\",\"class\":\"\\u001b]0;x\\u0007\","
            "\"sensors\":[\"S\\u009b1\"]}",
            1.0);
    message(st, "heartbeat",
            "{\"version\":\"\\u001b[31m\",\"sensors\":[{\"id\":\"S1\",\"ok\":false,"
            "\"level_dbfs\":-20.0,\"clipping\":true,\"dead\":true,\"stuck\":false,"
            "\"suspect\":true,\"new_flag\":true}]}",
            1.0);
    console_frame f = {0};
    const char *text = frame_text(&f, st, 300, 0, 1.0);
    CHECK(strchr(text, 0x1b) == NULL && strchr(text, 0x07) == NULL && strchr(text, (char)0xc2) == NULL,
          "control bytes:\n%s", text);
    CHECK(strstr(text, "S1 FAIL      -20.0         ? clipping dead suspect new_flag") != NULL,
          "flags:\n%s", text);
    console_frame_free(&f);
    console_state_destroy(&st);
}

static int longest_line(const console_frame *f)
{
    int m = 0;
    for (int i = 0; i < f->n; i++)
        m = (int)strlen(f->lines[i].text) > m ? (int)strlen(f->lines[i].text) : m;
    return m;
}

/* Small terminals: lines cut to the width, the oldest events dropped, the
 * sensors side by side or cut, the newest event always there. */
static void test_fit(void)
{
    console_state *st = console_state_create("ipc://x", 0.0);
    char hb[16384] = "{\"sensors\":[";
    for (int i = 0; i < 64; i++)
        snprintf(hb + strlen(hb), sizeof hb - strlen(hb), "%s{\"id\":\"M%02d\",\"ok\":true}",
                 i > 0 ? "," : "", i);
    strcat(hb, "]}");
    message(st, "heartbeat", hb, 0.5);
    for (int i = 1; i <= 30; i++) {
        char id[16];
        snprintf(id, sizeof id, "E%d", i);
        event(st, "alert", id, 0, "launch", "rocket");
    }
    console_frame f = {0};
    const char *text = frame_text(&f, st, 50, 20, 1.0);
    CHECK(f.n <= 20 && longest_line(&f) <= 50, "%d lines, longest %d", f.n, longest_line(&f));
    CHECK(strstr(text, " E30 ") != NULL && strstr(text, " E1 ") == NULL, "newest kept:\n%s", text);
    CHECK(strstr(text, "older not shown") != NULL, "dropped events said:\n%s", text);
    text = frame_text(&f, st, 40, 6, 1.0);
    CHECK(f.n <= 6 && strstr(text, " E30 ") == NULL, "6 lines: no room");
    text = frame_text(&f, st, 40, 9, 1.0);
    CHECK(f.n <= 9 && strstr(text, "E30") != NULL, "9 lines: still the newest:\n%s", text);
    text = frame_text(&f, st, 240, 60, 1.0);
    CHECK(f.n <= 60 && strstr(text, "M00 ") != NULL && strstr(text, "M63 ") != NULL,
          "64 sensors side by side in 60 lines:\n%s", text);
    text = frame_text(&f, st, 100, 0, 1.0);
    CHECK(strstr(text, " E1 ") != NULL && strstr(text, "not shown") == NULL, "--once: all");
    console_frame_free(&f);
    console_state_destroy(&st);
}

/* The bytes: plain has no escape at all; --no-color no attribute. */
static void test_write(void)
{
    console_state *st = console_state_create("ipc://x", 0.0);
    event(st, "alert", "E1", 0, "launch", "mortar");
    console_frame f = {0};
    frame_text(&f, st, 80, 24, 1.0);
    static const struct {
        int ansi, color;
        const char *want, *not_want;
    } cases[] = {{0, 0, "ALERT", "\x1b"}, {1, 1, "\x1b[7mALERT", NULL}, {1, 0, "\x1b[H", "\x1b[7m"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        FILE *tmp = tmpfile();
        CHECK(console_frame_write(&f, fileno(tmp), cases[c].ansi, cases[c].color, 1) == 0, "write");
        static char got[1 << 16];
        rewind(tmp);
        got[fread(got, 1, sizeof got - 1, tmp)] = '\0';
        fclose(tmp);
        CHECK(strstr(got, cases[c].want) != NULL, "case %zu: no '%s'", c, cases[c].want);
        CHECK(cases[c].not_want == NULL || strstr(got, cases[c].not_want) == NULL,
              "case %zu: has '%s'", c, cases[c].not_want);
    }
    console_frame_free(&f);
    console_state_destroy(&st);
}

int main(void)
{
    test_revisions();
    test_gap_and_restart();
    test_engine_states();
    test_hostile_and_flags();
    test_fit();
    test_write();
    return check_report("console_view");
}
