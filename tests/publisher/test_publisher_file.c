/* The --events file: one compact JSON object per line, the same bytes as
 * the socket body (same seq), "-" for stdout, write failures counted and
 * logged, and events holding NaN or Inf still give valid JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "earshot/publisher.h"
#include "pubtest.h"

#define BODY_CAP 65536
#define WAIT_MS 5000
#define MAX_LINES 16

typedef struct {
    int lines;
    char last[512];
} log_capture;

static void capture_log(void *ctx, const char *line)
{
    log_capture *c = ctx;
    c->lines++;
    snprintf(c->last, sizeof c->last, "%s", line);
}

/* Reads up to MAX_LINES lines of path (each without its '\n'); returns the
 * count, and frees nothing: the caller frees lines[i]. */
static int read_lines(const char *path, char **lines)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0 && n < MAX_LINES) {
        CHECK(line[len - 1] == '\n');   /* every line is complete */
        line[len - 1] = '\0';
        lines[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    return n;
}

static void free_lines(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
}

static int make_temp(char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/es_pubtest_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static es_heartbeat small_heartbeat(void)
{
    es_heartbeat hb;
    memset(&hb, 0, sizeof hb);
    hb.n_sensors = 1;
    snprintf(hb.sensors[0].id, ES_SENSOR_ID_MAX, "N1");
    hb.sensors[0].health.level_dbfs = -30.0;
    hb.sensors[0].health.peak_dbfs = -10.0;
    hb.sensors[0].health.ok = 1;
    hb.atmosphere.temperature_c = 15.0;
    return hb;
}

/* The child writes three messages with events_path "-" and its stdout
 * redirected to a file; the parent reads them back. */
static void test_stdout(void)
{
    char path[64];
    CHECK(make_temp(path, sizeof path) == 0);
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        FILE *f = freopen(path, "w", stdout);
        es_site_config site;
        test_site(&site);
        es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0", .events_path = "-"};
        es_publisher p = es_publisher_create(&cfg, &site, NULL);
        if (f == NULL || p == NULL)
            _exit(3);
        const es_heartbeat hb = small_heartbeat();
        const es_event ev = test_event(1, 0);
        int rc = es_publisher_send_heartbeat(p, &hb);
        rc |= es_publisher_send_event(p, &ev, 0, test_mono_s());
        rc |= es_publisher_send_event(p, &ev, 1, test_mono_s());
        es_publisher_destroy(&p);
        exit(rc == 0 ? 0 : 4);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *lines[MAX_LINES];
    const int n = read_lines(path, lines);
    CHECK(n == 3);
    static const char *const topics[] = {"heartbeat", "event", "alert"};
    for (int i = 0; i < n && i < 3; i++) {
        json_t *b = json_loads(lines[i], JSON_REJECT_DUPLICATES, NULL);
        CHECK(b != NULL);
        CHECK(jint(b, "seq") == i);
        CHECK(strcmp(jstr(b, "topic"), topics[i]) == 0);
        json_decref(b);
    }
    free_lines(lines, n > 0 ? n : 0);
    unlink(path);
}

/* Each line of the file is byte for byte the body the SUB received. */
static void test_events_file(void *zctx)
{
    char path[64];
    CHECK(make_temp(path, sizeof path) == 0);
    es_site_config site;
    test_site(&site);
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0", .events_path = path};
    es_error err = {{0}};
    es_publisher p = es_publisher_create(&cfg, &site, &err);
    CHECK(p != NULL);
    if (p == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    void *sub = open_sub(zctx, es_publisher_endpoint(p), "");
    CHECK(es_publisher_wait_subscribers(p, 1, WAIT_MS) >= 1);
    enum { N_MSG = 6 };
    const es_heartbeat hb = small_heartbeat();
    for (int i = 0; i < N_MSG; i++) {
        const es_event ev = test_event((uint64_t)i, 0);
        const int rc = (i % 3 == 0) ? es_publisher_send_heartbeat(p, &hb)
                                    : es_publisher_send_event(p, &ev, i % 3 == 2,
                                                              test_mono_s());
        CHECK(rc == 0);
    }
    char *lines[MAX_LINES];
    const int n = read_lines(path, lines);   /* before destroy: already there */
    CHECK(n == N_MSG);
    static char topic[64], body[BODY_CAP];
    for (int i = 0; i < N_MSG; i++) {
        const int rc = recv_message(sub, topic, sizeof topic, body, sizeof body, WAIT_MS);
        CHECK(rc == 0);
        if (rc != 0 || i >= n)
            break;
        CHECK(strcmp(lines[i], body) == 0);
        json_t *b = json_loads(lines[i], JSON_REJECT_DUPLICATES, NULL);
        CHECK(b != NULL);
        CHECK(jint(b, "seq") == i);
        CHECK(strcmp(jstr(b, "topic"), topic) == 0);
        json_decref(b);
    }
    free_lines(lines, n > 0 ? n : 0);
    zmq_close(sub);
    es_publisher_destroy(&p);

    /* A file that cannot be created fails create, naming the path. */
    cfg.events_path = "/nonexistent-dir/events.jsonl";
    p = es_publisher_create(&cfg, &site, &err);
    CHECK(p == NULL);
    CHECK(strstr(err.msg, "/nonexistent-dir/events.jsonl") != NULL);
    unlink(path);
}

/* /dev/full accepts the open and fails every write with ENOSPC. */
static void test_write_failure(void)
{
    if (access("/dev/full", W_OK) != 0) {
        printf("no /dev/full: write-failure test skipped\n");
        return;
    }
    es_site_config site;
    test_site(&site);
    log_capture log = {0};
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0",
                               .events_path = "/dev/full",
                               .log = capture_log, .log_ctx = &log};
    es_publisher p = es_publisher_create(&cfg, &site, NULL);
    CHECK(p != NULL);
    if (p == NULL)
        return;
    const es_event ev = test_event(9, 0);
    CHECK(es_publisher_send_event(p, &ev, 1, test_mono_s()) == ES_EIO);
    CHECK(es_publisher_failures(p) == 1);
    CHECK(log.lines == 1);
    CHECK(strstr(log.last, "alert") != NULL && strstr(log.last, "seq 0") != NULL);
    CHECK(strstr(log.last, "/dev/full") != NULL);
    CHECK(es_publisher_seq(p) == 1);
    es_publisher_destroy(&p);
}

/* A publisher writing to a new temporary --events file (its name in path). */
static es_publisher file_publisher(char *path, size_t path_len, const es_site_config *site)
{
    CHECK(make_temp(path, path_len) == 0);
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0", .events_path = path};
    es_publisher p = es_publisher_create(&cfg, site, NULL);
    CHECK(p != NULL);
    return p;
}

/* NaN and Inf anywhere in an event: the line is still strict JSON, dB
 * values are clamped to -200, everything else non-finite is null. */
static void test_non_finite(void)
{
    char path[64];
    es_site_config site;
    test_site(&site);
    snprintf(site.sensors[3].id, ES_SENSOR_ID_MAX, "W\xff");  /* not UTF-8 */
    es_publisher p = file_publisher(path, sizeof path, &site);
    if (p == NULL)
        return;
    es_event ev = test_event(5, 0);
    ev.e_m = NAN;
    ev.lat_deg = INFINITY;
    ev.lon_deg = -INFINITY;
    ev.t_origin_s = NAN;
    ev.cep50_m = INFINITY;
    ev.range_m = -INFINITY;
    ev.bearing_deg = NAN;
    ev.confidence = NAN;
    ev.residual_rms_s = INFINITY;
    ev.peak_dbfs = -INFINITY;
    ev.source_level_db = NAN;
    ev.mean_snr_db = INFINITY;
    ev.kind = (es_kind)42;
    ev.cls = (es_class)-3;
    ev.n_used = 3;
    ev.used[1] = 3;            /* W\xff: not a valid JSON string */
    ev.used[2] = 999;          /* outside the site config */
    ev.n_rejected = 100000;    /* more than the array holds */
    CHECK(es_publisher_send_event(p, &ev, 0, NAN) == 0);
    es_heartbeat hb = small_heartbeat();
    hb.sensors[0].health.level_dbfs = NAN;
    hb.sensors[0].health.peak_dbfs = INFINITY;
    hb.atmosphere.temperature_c = NAN;
    hb.stream_time_s = -INFINITY;
    CHECK(es_publisher_send_heartbeat(p, &hb) == 0);
    es_publisher_destroy(&p);

    char *lines[MAX_LINES];
    const int n = read_lines(path, lines);
    CHECK(n == 2);
    if (n == 2) {
        CHECK(strstr(lines[0], "nan") == NULL && strstr(lines[0], "inf") == NULL);
        json_t *b = json_loads(lines[0], JSON_REJECT_DUPLICATES, NULL);
        CHECK(b != NULL);
        json_t *pos = jobj(b, "position");
        CHECK(json_is_null(json_object_get(pos, "e_m")));
        CHECK(json_is_null(json_object_get(pos, "lat")));
        CHECK(json_is_null(json_object_get(pos, "lon")));
        CHECK_NEAR(jreal(pos, "n_m"), -1234.57, 1e-9);   /* finite ones stay */
        CHECK(json_is_null(json_object_get(b, "t_origin")));
        CHECK(json_is_null(json_object_get(b, "range_m")));
        CHECK(json_is_null(json_object_get(b, "bearing_deg")));
        CHECK(json_is_null(json_object_get(b, "confidence")));
        CHECK(json_is_null(json_object_get(b, "latency_ms")));
        CHECK(json_is_null(json_object_get(b, "residual_rms_ms")));
        CHECK(jreal(b, "peak_dbfs") == -200.0);
        CHECK(json_is_null(json_object_get(b, "source_level_db")));
        CHECK(json_is_null(json_object_get(b, "snr_db")));
        CHECK(strcmp(jstr(b, "kind"), "unknown") == 0);
        CHECK(strcmp(jstr(b, "class"), "unknown") == 0);
        json_t *s = json_object_get(b, "sensors");
        CHECK(json_array_size(s) == 3);
        CHECK(json_is_string(json_array_get(s, 0)));
        CHECK(json_is_null(json_array_get(s, 1)));
        CHECK(json_is_null(json_array_get(s, 2)));
        CHECK(json_array_size(json_object_get(b, "sensors_rejected")) == ES_MAX_SENSORS);
        json_decref(b);

        CHECK(strstr(lines[1], "nan") == NULL && strstr(lines[1], "inf") == NULL);
        b = json_loads(lines[1], JSON_REJECT_DUPLICATES, NULL);
        CHECK(b != NULL);
        json_t *s0 = json_array_get(json_object_get(b, "sensors"), 0);
        CHECK(json_is_null(json_object_get(s0, "level_dbfs")));
        CHECK(json_is_null(json_object_get(s0, "peak_dbfs")));
        json_t *a = jobj(b, "atmosphere");
        CHECK(json_is_null(json_object_get(a, "temperature_c")));
        CHECK(json_is_null(json_object_get(a, "speed_of_sound_mps")));
        CHECK(json_is_null(json_object_get(b, "stream_time_s")));
        json_decref(b);
    }
    free_lines(lines, n > 0 ? n : 0);
    unlink(path);
}

/* The "alternative" extension: null when the fix has none; otherwise
 * where else the source may be, rounded like any position. */
static void test_alternative(void)
{
    char path[64];
    es_site_config site;
    test_site(&site);
    es_publisher p = file_publisher(path, sizeof path, &site);
    if (p == NULL)
        return;
    es_event ev = test_event(7, 0);
    CHECK(es_publisher_send_event(p, &ev, 0, 0.0) == 0);
    ev.has_alternative = 1;
    ev.alt_e_m = 100.126;
    ev.alt_n_m = -200.004;
    ev.alt_lat_deg = 33.000000004;
    ev.alt_lon_deg = 44.5;
    ev.alt_range_m = 223.6;
    ev.alt_bearing_deg = 153.4349;
    ev.alt_probability = 0.4567;
    CHECK(es_publisher_send_event(p, &ev, 0, 0.0) == 0);
    es_publisher_destroy(&p);

    char *lines[MAX_LINES];
    const int n = read_lines(path, lines);
    CHECK(n == 2);
    if (n == 2) {
        json_t *b = json_loads(lines[0], JSON_REJECT_DUPLICATES, NULL);
        CHECK(b != NULL && json_is_null(json_object_get(b, "alternative")));
        json_decref(b);
        b = json_loads(lines[1], JSON_REJECT_DUPLICATES, NULL);
        json_t *a = jobj(b, "alternative");
        CHECK_NEAR(jreal(a, "e_m"), 100.13, 1e-9);
        CHECK_NEAR(jreal(a, "n_m"), -200.0, 1e-9);
        CHECK_NEAR(jreal(a, "lat"), 33.0, 1e-12);
        CHECK_NEAR(jreal(a, "lon"), 44.5, 1e-12);
        CHECK_NEAR(jreal(a, "range_m"), 223.6, 1e-9);
        CHECK_NEAR(jreal(a, "bearing_deg"), 153.43, 1e-9);
        CHECK_NEAR(jreal(a, "probability"), 0.457, 1e-12);
        json_decref(b);
    }
    free_lines(lines, n > 0 ? n : 0);
    unlink(path);
}

int main(void)
{
    test_stdout();   /* first: fork before this process has ZeroMQ threads */
    void *zctx = zmq_ctx_new();
    if (zctx == NULL)
        return 1;
    test_events_file(zctx);
    test_write_failure();
    test_non_finite();
    test_alternative();
    zmq_ctx_term(zctx);
    return check_report("test_publisher_file");
}
