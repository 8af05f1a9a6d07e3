/* The site config loader on texts written here: every parsed value against
 * the literal in the JSON, every default, the exact messages of the
 * contract, warnings, range edges, endpoints, the line-array warning, the
 * stream check, and the file-level cases that need a file made at run time
 * (oversized, FIFO). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dsp/check.h"
#include "earshot/config.h"
#include "warnings.h"

static int parse(const char *text, es_site_config *cfg, warnings *w, es_error *err)
{
    memset(w, 0, sizeof *w);
    err->msg[0] = '\0';
    return es_site_config_parse(text, strlen(text), "site.json", cfg, collect, w, err);
}

/* The contract's example with four sensors and every optional section
 * spelled out, values chosen to differ from the defaults. */
static const char full_json[] =
    "{\n"
    "  \"site\":   {\"name\": \"FOB Example\",\n"
    "             \"origin\": {\"lat\": 33.3152, \"lon\": 44.3661, \"alt_m\": 34.0}},\n"
    "  \"audio\":  {\"sample_rate\": 48000, \"device\": \"hw:1,0\"},\n"
    "  \"sensors\": [\n"
    "    {\"id\": \"N1\", \"channel\": 0, \"e_m\": 0.0,   \"n_m\": 250.0, \"u_m\": 1.5},\n"
    "    {\"id\": \"E1\", \"channel\": 1, \"e_m\": 240.0, \"n_m\": 10.0,  \"u_m\": 1.5},\n"
    "    {\"id\": \"S1\", \"channel\": 5, \"e_m\": -20.0, \"n_m\": -230.0, \"u_m\": -2.25},\n"
    "    {\"id\": \"W 1\", \"channel\": 3, \"e_m\": -250.5, \"n_m\": 5.0}\n"
    "  ],\n"
    "  \"atmosphere\": {\"temperature_c\": -5.5, \"wind_speed_mps\": 7.25, \"wind_from_deg\": 270.0},\n"
    "  \"publish\": {\"endpoint\": \"tcp://127.0.0.1:5556\"},\n"
    "  \"detection\": {\"band_lo_hz\": 25.0, \"band_hi_hz\": 3000.0, \"trigger_db\": 9.5,\n"
    "                \"launch_min_range_m\": 800.0, \"full_scale_db_spl\": 150.0}\n"
    "}\n";

static void test_full_config(void)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    CHECK(parse(full_json, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(w.n == 0, "%d warnings, first: %s", w.n, w.msg[0]);
    CHECK(strcmp(cfg.name, "FOB Example") == 0, "name %s", cfg.name);
    CHECK(cfg.origin_lat_deg == 33.3152, "lat %.17g", cfg.origin_lat_deg);
    CHECK(cfg.origin_lon_deg == 44.3661, "lon %.17g", cfg.origin_lon_deg);
    CHECK(cfg.origin_alt_m == 34.0, "alt %.17g", cfg.origin_alt_m);
    CHECK(cfg.sample_rate_hz == 48000, "rate %d", cfg.sample_rate_hz);
    CHECK(strcmp(cfg.device, "hw:1,0") == 0, "device %s", cfg.device);
    CHECK(cfg.n_sensors == 4, "n_sensors %zu", cfg.n_sensors);
    static const struct {
        const char *id;
        int channel;
        double e_m, n_m, u_m;
    } want[4] = {{"N1", 0, 0.0, 250.0, 1.5},
                 {"E1", 1, 240.0, 10.0, 1.5},
                 {"S1", 5, -20.0, -230.0, -2.25},
                 {"W 1", 3, -250.5, 5.0, 0.0}}; /* u_m left out: default 0 */
    for (size_t i = 0; i < 4 && i < cfg.n_sensors; i++) {
        const es_sensor_config *s = &cfg.sensors[i];
        CHECK(strcmp(s->id, want[i].id) == 0, "sensor %zu id %s", i, s->id);
        CHECK(s->channel == want[i].channel, "sensor %zu channel %d", i, s->channel);
        CHECK(s->e_m == want[i].e_m && s->n_m == want[i].n_m && s->u_m == want[i].u_m,
              "sensor %zu at %g %g %g", i, s->e_m, s->n_m, s->u_m);
    }
    CHECK(cfg.atmosphere.temperature_c == -5.5, "T %g", cfg.atmosphere.temperature_c);
    CHECK(cfg.atmosphere.wind_speed_mps == 7.25, "wind %g", cfg.atmosphere.wind_speed_mps);
    CHECK(cfg.atmosphere.wind_from_deg == 270.0, "from %g", cfg.atmosphere.wind_from_deg);
    CHECK(strcmp(cfg.endpoint, "tcp://127.0.0.1:5556") == 0, "endpoint %s", cfg.endpoint);
    CHECK(cfg.detection.band_lo_hz == 25.0, "lo %g", cfg.detection.band_lo_hz);
    CHECK(cfg.detection.band_hi_hz == 3000.0, "hi %g", cfg.detection.band_hi_hz);
    CHECK(cfg.detection.trigger_db == 9.5, "trigger %g", cfg.detection.trigger_db);
    CHECK(cfg.detection.launch_min_range_m == 800.0, "range %g",
          cfg.detection.launch_min_range_m);
    CHECK(cfg.detection.full_scale_db_spl == 150.0, "fs %g", cfg.detection.full_scale_db_spl);
}

static const char minimal_json[] =
    "{\"site\": {\"origin\": {\"lat\": -33.5, \"lon\": 151.25}},\n"
    " \"audio\": {\"sample_rate\": 8000},\n"
    " \"sensors\": [{\"id\": \"a\", \"channel\": 7, \"e_m\": 0, \"n_m\": 0},\n"
    "             {\"id\": \"b\", \"channel\": 6, \"e_m\": 100, \"n_m\": 0},\n"
    "             {\"id\": \"c\", \"channel\": 5, \"e_m\": 0, \"n_m\": 100},\n"
    "             {\"id\": \"d\", \"channel\": 4, \"e_m\": 100, \"n_m\": 100}],\n"
    " \"publish\": {\"endpoint\": \"ipc:///tmp/earshot.sock\"}}";

/* The defaults of the header and the brief, written out here. */
static void check_defaults(const es_site_config *cfg, const char *what)
{
    CHECK(cfg->name[0] == '\0', "%s: name '%s'", what, cfg->name);
    CHECK(cfg->origin_alt_m == 0.0, "%s: alt %g", what, cfg->origin_alt_m);
    CHECK(strcmp(cfg->device, "default") == 0, "%s: device %s", what, cfg->device);
    CHECK(cfg->atmosphere.temperature_c == 15.0, "%s: T %g", what, cfg->atmosphere.temperature_c);
    CHECK(cfg->atmosphere.wind_speed_mps == 0.0, "%s: wind", what);
    CHECK(cfg->atmosphere.wind_from_deg == 0.0, "%s: wind from", what);
    CHECK(cfg->detection.band_lo_hz == 40.0, "%s: lo %g", what, cfg->detection.band_lo_hz);
    CHECK(cfg->detection.band_hi_hz == 2000.0, "%s: hi %g", what, cfg->detection.band_hi_hz);
    CHECK(cfg->detection.trigger_db == 12.0, "%s: trigger %g", what, cfg->detection.trigger_db);
    CHECK(cfg->detection.launch_min_range_m == 0.0, "%s: min range", what);
    CHECK(cfg->detection.full_scale_db_spl == 140.0, "%s: fs %g", what,
          cfg->detection.full_scale_db_spl);
}

static void test_defaults(void)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    CHECK(parse(minimal_json, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    check_defaults(&cfg, "minimal config");
    for (size_t i = 0; i < cfg.n_sensors; i++)
        CHECK(cfg.sensors[i].u_m == 0.0, "sensor %zu u_m %g", i, cfg.sensors[i].u_m);
    CHECK(cfg.origin_lat_deg == -33.5 && cfg.origin_lon_deg == 151.25, "origin");
    CHECK(cfg.sample_rate_hz == 8000 && cfg.sensors[0].channel == 7, "rate, channel");
    CHECK(strcmp(cfg.endpoint, "ipc:///tmp/earshot.sock") == 0, "endpoint %s", cfg.endpoint);

    /* es_site_config_defaults on its own: same values, required fields
     * untouched, and the band edge below Nyquist at a low rate. */
    static es_site_config built;
    memset(&built, 0, sizeof built);
    built.n_sensors = 5;
    es_site_config_defaults(&built);
    check_defaults(&built, "es_site_config_defaults");
    CHECK(built.n_sensors == 5 && built.sample_rate_hz == 0, "required fields changed");
    built.sample_rate_hz = 4000; /* Nyquist 2000 = the default edge */
    es_site_config_defaults(&built);
    CHECK(built.detection.band_hi_hz == 1800.0, "capped hi %g, want 0.45 * 4000",
          built.detection.band_hi_hz);
}

static void expect_error(const char *text, const char *want_msg)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    int rc = parse(text, &cfg, &w, &err);
    CHECK(rc == ES_EINVAL, "rc %d for %s", rc, want_msg);
    CHECK(strcmp(err.msg, want_msg) == 0, "\n got: %s\nwant: %s", err.msg, want_msg);
}

static const char *edit(const char *from, const char *to);

/* Air pressure: the standard atmosphere at the site's altitude unless the
 * file gives one. ICAO table: 101.325 kPa at sea level, 84.56 at 1500 m. */
static void test_pressure(void)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    CHECK(parse(minimal_json, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(fabs(cfg.atmosphere.pressure_kpa - 101.325) < 1e-9, "sea level %g",
          cfg.atmosphere.pressure_kpa);
    const char *high = edit("\"lon\": 151.25}", "\"lon\": 151.25, \"alt_m\": 1500}");
    CHECK(parse(high, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(fabs(cfg.atmosphere.pressure_kpa - 84.56) < 0.01 * 84.56, "1500 m: %g kPa, ICAO 84.56",
          cfg.atmosphere.pressure_kpa);
    const char *given = edit("{\"site\":", "{\"atmosphere\": {\"pressure_kpa\": 90.5}, \"site\":");
    CHECK(parse(given, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(cfg.atmosphere.pressure_kpa == 90.5, "given %g", cfg.atmosphere.pressure_kpa);
}

/* minimal_json with one substring replaced, in a static buffer. */
static const char *edit(const char *from, const char *to)
{
    static char buf[4096];
    const char *at = strstr(minimal_json, from);
    if (at == NULL) {
        CHECK(0, "'%s' not in minimal_json", from);
        return minimal_json;
    }
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - minimal_json), minimal_json, to,
             at + strlen(from));
    return buf;
}

/* The messages of CONTRACT.md section 2 and the brief, character for character. */
static void test_messages(void)
{
    expect_error(edit("\"channel\": 4", "\"channel\": -1"),
                 "site.json: sensors[3].channel: -1 is negative");
    expect_error(edit("\"sample_rate\": 8000", "\"rate\": 8000"),
                 "site.json: audio.sample_rate: missing required key");
    expect_error(edit("\"id\": \"c\"", "\"id\": \"a\""),
                 "site.json: sensors[2].id: \"a\" duplicates sensors[0].id");
    expect_error(edit("\"channel\": 4", "\"channel\": 6"),
                 "site.json: sensors[3].channel: 6 duplicates sensors[1].channel");
    expect_error(edit(",\n             {\"id\": \"d\", \"channel\": 4, \"e_m\": 100, \"n_m\": 100}", ""),
                 "site.json: sensors: 3 sensors given, at least 4 are needed to locate a source");
    expect_error(edit("8000", "8000.5"), "site.json: audio.sample_rate: 8000.5 must be an integer");
    expect_error(edit("8000", "-8000"), "site.json: audio.sample_rate: -8000 must be positive");
    expect_error(edit("\"lat\": -33.5", "\"lat\": true"),
                 "site.json: site.origin.lat: must be a number, not true");
    expect_error(edit("\"e_m\": 100, \"n_m\": 100", "\"e_m\": 0, \"n_m\": 0.009"),
                 "site.json: sensors[3]: \"d\" is 0.009 m from sensors[0] \"a\"; sensors must be "
                 "at least 0.01 m apart");
    expect_error("[]", "site.json: the top level must be a JSON object {...}, not an array");
    expect_error("", "site.json: the file is empty");
    /* The first problem in document order wins. */
    expect_error(edit("\"lat\": -33.5", "\"lat\": 91"),
                 "site.json: site.origin.lat: 91 is out of range -90..90");
}

/* Values exactly at the edges of every range are accepted. */
static void test_range_edges(void)
{
    static const char *const ok[][2] = {
        {"\"lat\": -33.5", "\"lat\": 90"},
        {"\"lat\": -33.5", "\"lat\": -90.0"},
        {"\"lon\": 151.25", "\"lon\": -180"},
        {"\"sample_rate\": 8000", "\"sample_rate\": 384000"},
        {"\"sample_rate\": 8000", "\"sample_rate\": 44100.0"},
        {"\"channel\": 7", "\"channel\": 1023"},
        {"\"channel\": 7", "\"channel\": 7.0"},
        {"\"e_m\": 100, \"n_m\": 100", "\"e_m\": 100000, \"n_m\": -100000, \"u_m\": 10000"},
        {"\"e_m\": 100, \"n_m\": 100", "\"e_m\": 0, \"n_m\": 0.01"},
        {"\"origin\": {", "\"name\": \"\", \"origin\": {\"alt_m\": -1000, "},
        {"\"audio\": {", "\"atmosphere\": {\"temperature_c\": -60, \"wind_speed_mps\": 60, "
                         "\"wind_from_deg\": 360}, \"audio\": {"},
        {"\"audio\": {", "\"detection\": {\"band_hi_hz\": 3999.5, \"trigger_db\": 3, "
                         "\"full_scale_db_spl\": 220, \"launch_min_range_m\": 100000}, \"audio\": {"},
        {"{\"site\"", "\xef\xbb\xbf{\"site\""}, /* UTF-8 byte order mark */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        es_site_config cfg;
        es_error err;
        warnings w;
        int rc = parse(edit(ok[i][0], ok[i][1]), &cfg, &w, &err);
        CHECK(rc == ES_OK, "edge case %zu (%s): %s", i, ok[i][1], err.msg);
    }
}

static void test_warnings(void)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    const char *text = edit("\"lat\": -33.5", "\"lat\": -33.5, \"datum\": \"WGS84\"");
    static char buf[4096];
    snprintf(buf, sizeof buf, "{\"comment\": 1, \"x\\u001by\": 2,%s", text + 1);
    CHECK(parse(buf, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(w.n == 3, "%d warnings", w.n);
    CHECK(strcmp(w.msg[0], "site.json: unknown key comment (ignored)") == 0, "%s", w.msg[0]);
    /* A control character in a key is escaped, not sent to the terminal. */
    CHECK(strcmp(w.msg[1], "site.json: unknown key x\\x1by (ignored)") == 0, "%s", w.msg[1]);
    CHECK(strcmp(w.msg[2], "site.json: unknown key site.origin.datum (ignored)") == 0, "%s",
          w.msg[2]);
    /* No callback: unknown keys are still fine. */
    CHECK(es_site_config_parse(buf, strlen(buf), "site.json", &cfg, NULL, NULL, &err) == ES_OK,
          "%s", err.msg);
}

/* Line arrays: the farthest-off sensor within 0.1 % of the array length
 * warns, 0.5 % does not; a vertical stack warns too. */
static void test_line_array(void)
{
    static const struct {
        const char *sensor_d;
        int warns;
    } cases[] = {
        {"\"e_m\": 100, \"n_m\": 100", 0},
        {"\"e_m\": 1000, \"n_m\": 0.5", 1}, /* a,b,d on n=0 (+0.5 m over 1000 m); c off */
        {"\"e_m\": 1000, \"n_m\": 5", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = edit("\"e_m\": 100, \"n_m\": 100", cases[i].sensor_d);
        static char buf[4096];
        /* put c on the line too, so only d's offset decides */
        const char *c_at = strstr(text, "\"e_m\": 0, \"n_m\": 100");
        CHECK(c_at != NULL, "template");
        if (c_at == NULL)
            continue;
        snprintf(buf, sizeof buf, "%.*s\"e_m\": 500, \"n_m\": 0%s", (int)(c_at - text), text,
                 c_at + strlen("\"e_m\": 0, \"n_m\": 100"));
        es_site_config cfg;
        es_error err;
        warnings w;
        CHECK(parse(buf, &cfg, &w, &err) == ES_OK, "%s", err.msg);
        int warned = w.n == 1 && strstr(w.msg[0], "site.json: sensors: all 4 sensors lie on one "
                                                  "straight line") == w.msg[0];
        CHECK(warned == cases[i].warns, "case %zu: %d warnings: %s", i, w.n, w.msg[0]);
    }
    /* Four sensors on one vertical pole. */
    const char *pole = "{\"site\": {\"origin\": {\"lat\": 0, \"lon\": 0}}, \"audio\": {\"sample_rate\": "
                       "48000}, \"sensors\": [{\"id\": \"a\", \"channel\": 0, \"e_m\": 5, \"n_m\": "
                       "5, \"u_m\": 0}, {\"id\": \"b\", \"channel\": 1, \"e_m\": 5, \"n_m\": 5, "
                       "\"u_m\": 1}, {\"id\": \"c\", \"channel\": 2, \"e_m\": 5, \"n_m\": 5, "
                       "\"u_m\": 2}, {\"id\": \"d\", \"channel\": 3, \"e_m\": 5, \"n_m\": 5, "
                       "\"u_m\": 3}], \"publish\": {\"endpoint\": \"inproc://x\"}}";
    es_site_config cfg;
    es_error err;
    warnings w;
    CHECK(parse(pole, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(w.n == 1, "pole: %d warnings", w.n);
}

static void test_endpoints(void)
{
    static const char *const good[] = {
        "tcp://127.0.0.1:5556", "tcp://*:5556", "tcp://*:*", "tcp://localhost:0",
        "tcp://eth0:65535", "tcp://[::1]:5556", "ipc:///tmp/earshot.sock", "ipc://@earshot",
        "inproc://earshot"};
    static const char *const bad[][2] = {
        {"tcp://::1:5556", "an IPv6 host must be in brackets"},
        {"tcp://[]:5556", "an IPv6 host must be written [ADDRESS]"},
        {"tcp://h:65536", "port 65536 is out of range 0..65535"},
        {"tcp://h:-1", "the port is not a number"},
        {"tcp://h:", "has no port"},
        {"tcp://", "has no :PORT"},
        {"udp://h:1", "is not a ZeroMQ endpoint to bind"},
        {"TCP://h:1", "is not a ZeroMQ endpoint to bind"},
        {"inproc://", "has no name after inproc://"},
        {"ipc:///tmp/0123456789012345678901234567890123456789012345678901234567890123456789"
         "01234567890123456789012345678901234", "a Unix socket path holds at most 107"},
    };
    char ep[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(ep, sizeof ep, "\"endpoint\": \"%s\"", good[i]);
        es_site_config cfg;
        es_error err;
        warnings w;
        CHECK(parse(edit("\"endpoint\": \"ipc:///tmp/earshot.sock\"", ep), &cfg, &w, &err) == ES_OK,
              "%s: %s", good[i], err.msg);
        CHECK(strcmp(cfg.endpoint, good[i]) == 0, "%s stored as %s", good[i], cfg.endpoint);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(ep, sizeof ep, "\"endpoint\": \"%s\"", bad[i][0]);
        es_site_config cfg;
        es_error err;
        warnings w;
        int rc = parse(edit("\"endpoint\": \"ipc:///tmp/earshot.sock\"", ep), &cfg, &w, &err);
        CHECK(rc == ES_EINVAL && strstr(err.msg, bad[i][1]) != NULL &&
                  strncmp(err.msg, "site.json: publish.endpoint: ", 29) == 0,
              "%s: rc %d, %s", bad[i][0], rc, err.msg);
    }
}

/* Deep nesting and long strings: refused or accepted, never a crash. */
static void test_pathological_texts(void)
{
    size_t n = 200000;
    char *text = malloc(n + 1);
    CHECK(text != NULL, "malloc");
    if (text == NULL)
        return;
    es_site_config cfg;
    es_error err;
    memset(text, '[', n);
    CHECK(es_site_config_parse(text, n, "deep.json", &cfg, NULL, NULL, &err) == ES_EINVAL,
          "deep nesting");
    /* {"site": "xxxx...x"}: a 200 kB string where an object belongs. */
    memset(text, 'x', n);
    memcpy(text, "{\"site\": \"", 10);
    memcpy(text + n - 2, "\"}", 2);
    CHECK(es_site_config_parse(text, n, "long.json", &cfg, NULL, NULL, &err) == ES_EINVAL,
          "long string");
    static const char want[] = "long.json: site: must be an object, not a string (\"xxx";
    CHECK(strncmp(err.msg, want, strlen(want)) == 0 && strlen(err.msg) < 200, "%s", err.msg);
    free(text);
}

/* A failed parse leaves the caller's config as it was (SIGHUP reload). */
static void test_failure_keeps_old_values(void)
{
    static es_site_config cfg, copy;
    es_error err;
    warnings w;
    CHECK(parse(full_json, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    copy = cfg;
    CHECK(parse(edit("8000", "12"), &cfg, &w, &err) == ES_EINVAL, "bad rate accepted");
    CHECK(memcmp(&cfg, &copy, sizeof cfg) == 0, "config changed by a failed parse");
    CHECK(es_site_config_parse(NULL, 0, "x.json", &cfg, NULL, NULL, &err) == ES_EINVAL, "NULL text");
    CHECK(es_site_config_parse("{}", 2, "x.json", NULL, NULL, NULL, &err) == ES_EINVAL, "NULL out");
    CHECK(es_site_config_parse("{}", 2, "x.json", &cfg, NULL, NULL, NULL) == ES_EINVAL, "NULL err");
}

static void test_check_stream(void)
{
    es_site_config cfg;
    es_error err;
    warnings w;
    CHECK(parse(full_json, &cfg, &w, &err) == ES_OK, "%s", err.msg);
    CHECK(es_site_config_check_stream(&cfg, "site.json", "input.wav", 6, 48000, &err) == ES_OK,
          "%s", err.msg);
    CHECK(es_site_config_check_stream(&cfg, "site.json", "input.wav", 8, 44100, &err) == ES_EINVAL,
          "rate");
    CHECK(strcmp(err.msg, "input.wav: sample rate 44100 Hz does not match audio.sample_rate 48000 "
                          "in site.json") == 0, "%s", err.msg);
    /* Highest channel is 5 (sensors[2]): 5 channels are one short. */
    CHECK(es_site_config_check_stream(&cfg, "site.json", "input.wav", 5, 48000, &err) == ES_EINVAL,
          "channels");
    CHECK(strcmp(err.msg, "site.json: sensors[2].channel: 5 is beyond the 5 channels of input.wav") ==
              0, "%s", err.msg);
    CHECK(es_site_config_check_stream(&cfg, "site.json", "input.wav", 1, 48000, &err) == ES_EINVAL,
          "one channel");
    CHECK(strcmp(err.msg, "site.json: sensors[1].channel: 1 is beyond the 1 channel of input.wav") ==
              0, "%s", err.msg);
    CHECK(es_site_config_check_stream(&cfg, "site.json", "input.wav", 0, 48000, &err) == ES_EINVAL,
          "no channels");
    CHECK(es_site_config_check_stream(NULL, "site.json", "input.wav", 8, 48000, &err) == ES_EINVAL,
          "NULL config");
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* Files that are made here rather than kept in tests/config/bad/. */
static void test_files(void)
{
    char dir[] = "/tmp/earshot_config_test_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    es_site_config cfg;
    es_error err;

    /* Over the 1 MiB cap: refused without parsing it. */
    size_t big = (1u << 20) + 1;
    char *text = malloc(big);
    CHECK(text != NULL, "malloc");
    if (text != NULL) {
        memset(text, ' ', big);
        memcpy(text, minimal_json, strlen(minimal_json)); /* valid JSON + blanks */
        snprintf(path, sizeof path, "%s/big.json", dir);
        CHECK(write_file(path, text, big) == 0, "write %s", path);
        CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err) == ES_EINVAL, "big file");
        CHECK(strstr(err.msg, "1048577 bytes, larger than the 1048576-byte limit") != NULL, "%s",
              err.msg);
        /* The same text one byte shorter is accepted. */
        CHECK(write_file(path, text, big - 1) == 0, "write %s", path);
        CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err) == ES_OK, "%s", err.msg);
        unlink(path);
        free(text);
    }
    /* A FIFO with no writer: refused at once, never waited on. */
    snprintf(path, sizeof path, "%s/fifo.json", dir);
    CHECK(mkfifo(path, 0600) == 0, "mkfifo");
    CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err) == ES_EIO, "fifo");
    CHECK(strstr(err.msg, "is not a regular file") != NULL, "%s", err.msg);
    unlink(path);
    /* A good file loads and names itself as given. */
    snprintf(path, sizeof path, "%s/site.json", dir);
    CHECK(write_file(path, minimal_json, strlen(minimal_json)) == 0, "write");
    CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err) == ES_OK, "%s", err.msg);
    CHECK(cfg.n_sensors == 4, "n %zu", cfg.n_sensors);
    unlink(path);
    CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err) == ES_EIO, "missing file");
    CHECK(strstr(err.msg, "site.json: cannot open: No such file or directory") != NULL, "%s",
          err.msg);
    CHECK(es_site_config_load(dir, &cfg, NULL, NULL, &err) == ES_EIO, "directory");
    CHECK(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);
    rmdir(dir);
}

int main(void)
{
    test_full_config();
    test_defaults();
    test_pressure();
    test_messages();
    test_range_edges();
    test_warnings();
    test_line_array();
    test_endpoints();
    test_pathological_texts();
    test_failure_keeps_old_values();
    test_check_stream();
    test_files();
    return check_report("test_config_values");
}
