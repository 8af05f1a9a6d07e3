/* earshot-sim's command line: usage errors and bad scenarios exit 2 with a
 * message that names the file and the offending key, a failure to write
 * exits 1, a good run exits 0, prints the three paths and honours the
 * overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "simtest.h"

static const char *exe, *scenes, *work;

typedef struct {
    int status;
    char out[8192], err[8192];
} result;

static void read_into(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

static result run(const char *args)
{
    result r;
    char cmd[4096], out[1024], err[1024];
    snprintf(out, sizeof out, "%s/cli_stdout.txt", work);
    snprintf(err, sizeof err, "%s/cli_stderr.txt", work);
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s'", exe, args, out, err);
    int st = system(cmd);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    read_into(out, r.out, sizeof r.out);
    read_into(err, r.err, sizeof r.err);
    return r;
}

static json_t *base_scene(void)
{
    return json_pack("{s:f, s:{s:s, s:{s:f, s:f}}, s:{s:s, s:i, s:f}, s:[]}", "duration_s", 1.0,
                     "site", "name", "cli", "origin", "lat", 1.0, "lon", 2.0, "sensors", "layout",
                     "ring", "count", 4, "radius_m", 100.0, "events");
}

static void bad_scene(const char *name, json_t *sc, const char *key)
{
    char path[1024], args[2048];
    snprintf(path, sizeof path, "%s/%s.json", work, name);
    CHECK(json_dump_file(sc, path, 0) == 0, "writing %s", path);
    json_decref(sc);
    snprintf(args, sizeof args, "'%s' --out '%s/cli_out'", path, work);
    result r = run(args);
    CHECK(r.status == 2, "%s: exit %d, expected 2 (stderr: %s)", name, r.status, r.err);
    CHECK(strstr(r.err, path) != NULL && strstr(r.err, key) != NULL,
          "%s: message should name %s and %s: %s", name, path, key, r.err);
}

static json_t *with_event(json_t *sc, json_t *ev)
{
    json_array_append_new(json_object_get(sc, "events"), ev);
    return sc;
}

/* One event of `type` at (e, n) = (40, 40) with extra key = value. */
static void bad_event(const char *name, const char *type, const char *key, json_t *value,
                      const char *want)
{
    json_t *ev = json_pack("{s:s, s:f}", "type", type, "t_s", 0.0);
    if (strcmp(type, "gust") == 0) {
        if (strcmp(key, "sensor") != 0)
            json_object_set_new(ev, "sensor", json_string("S1"));
    } else {
        json_object_set_new(ev, "e_m", json_real(40.0));
        json_object_set_new(ev, "n_m", json_real(40.0));
    }
    if (value != NULL)
        json_object_set_new(ev, key, value);
    bad_scene(name, with_event(base_scene(), ev), want);
}

/* Every key of backfire, generator_start, gust and artillery's crack. */
static void test_bad_new_sources(void)
{
    bad_event("backfire_duration", "backfire", "duration_s", json_real(0.5),
              "events[0].duration_s");
    bad_event("backfire_rise", "backfire", "rise_s", json_real(1e-3), "events[0].rise_s");
    bad_event("backfire_roar", "backfire", "roar_db_spl_at_1m", json_real(150.0),
              "events[0].roar_db_spl_at_1m: unknown key");
    bad_event("gen_crank_s", "generator_start", "crank_s", json_real(10.0), "events[0].crank_s");
    bad_event("gen_crank_hz", "generator_start", "crank_hz", json_real(100.0),
              "events[0].crank_hz");
    bad_event("gen_firing_hz", "generator_start", "firing_hz", json_string("50 Hz"),
              "events[0].firing_hz");
    bad_event("gen_duration", "generator_start", "duration_s", json_real(100.0),
              "events[0].duration_s");
    bad_event("gen_run_db", "generator_start", "run_db_spl_at_1m", json_real(200.0),
              "events[0].run_db_spl_at_1m");
    bad_event("gen_rise", "generator_start", "rise_s", json_real(0.1),
              "events[0].rise_s: unknown key");
    bad_event("gust_no_sensor", "gust", "sensor", NULL, "events[0].sensor: missing");
    bad_event("gust_bad_sensor", "gust", "sensor", json_string("S99"), "events[0].sensor");
    bad_event("gust_duration", "gust", "duration_s", json_real(0.0), "events[0].duration_s");
    bad_event("gust_rise", "gust", "rise_s", json_real(2.0), "events[0].rise_s");
    bad_event("gust_level", "gust", "level_db_spl", json_real(200.0), "events[0].level_db_spl");
    bad_event("gust_position", "gust", "range_m", json_real(100.0),
              "events[0].range_m: unknown key");
    bad_event("gust_level_1m", "gust", "level_db_spl_at_1m", json_real(90.0),
              "events[0].level_db_spl_at_1m: unknown key");
    bad_event("gust_height", "gust", "u_m", json_real(2.0), "events[0].u_m: unknown key");
    bad_event("shell_speed", "artillery", "shell_speed_mps", json_real(5.0),
              "events[0].shell_speed_mps");
    bad_event("shell_elevation", "artillery", "elevation_deg", json_real(95.0),
              "events[0].elevation_deg");
    bad_event("shell_crack", "artillery", "crack", json_string("yes"), "events[0].crack");
    bad_event("mortar_crack", "mortar", "crack", json_true(), "events[0].crack: unknown key");
    json_t *s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f, s:b}", "type", "artillery",
                                                   "t_s", 0.0, "e_m", 0.0, "n_m", 0.0, "crack", 1));
    bad_scene("gun_at_origin", s, "events[0].crack");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f, s:f, s:f}", "type",
                                           "generator_start", "t_s", 0.0, "e_m", 40.0, "n_m",
                                           40.0, "crank_s", 0.2, "crank_hz", 3.0));
    bad_scene("gen_crank_pulses", s, "events[0].crank_s: 0.2 s of cranking at 3 Hz");
}

static void test_bad_scenarios(void)
{
    json_t *s;
    s = base_scene(); json_object_del(s, "site");
    bad_scene("no_site", s, "site: missing");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f}", "type", "mortar", "t_s", 0.0,
                                           "range_m", -40.0, "bearing_deg", 0.0));
    bad_scene("negative_range", s, "events[0].range_m");
    s = base_scene(); json_object_set_new(s, "atmosfere", json_object());
    bad_scene("unknown_key", s, "atmosfere: unknown key");
    s = base_scene(); json_object_set_new(json_object_get(s, "sensors"), "count", json_integer(0));
    bad_scene("no_sensors", s, "sensors.count");
    s = base_scene(); json_object_set_new(s, "format", json_string("mp3"));
    bad_scene("bad_format", s, "format");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f}", "type", "meteor", "t_s", 0.0,
                                           "range_m", 40.0, "bearing_deg", 0.0));
    bad_scene("bad_type", s, "events[0].type");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:s}", "type", "slam", "t_s", 0.0,
                                           "near_sensor", "S99"));
    bad_scene("no_such_sensor", s, "events[0].near_sensor");
    s = base_scene();
    json_object_set_new(s, "sensors", json_pack("[{s:s, s:f, s:f}, {s:s, s:f, s:f}]", "id", "A",
                                                "e_m", 0.0, "n_m", 0.0, "id", "A", "e_m", 5.0, "n_m", 0.0));
    bad_scene("duplicate_id", s, "sensors[1].id");
    s = base_scene(); json_object_set_new(s, "sample_rate", json_real(44100.5));
    bad_scene("fractional_rate", s, "sample_rate");
    s = base_scene(); json_object_set_new(s, "atmosphere", json_pack("{s:f}", "humidity_pct", 150.0));
    bad_scene("humidity", s, "atmosphere.humidity_pct");
    s = base_scene(); json_object_set_new(s, "noise", json_pack("{s:s}", "wind_noise", "yes"));
    bad_scene("wind_noise_string", s, "noise.wind_noise");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f, s:f}", "type", "gunshot", "t_s", 0.0,
                                           "range_m", 40.0, "bearing_deg", 0.0, "roar_db_spl_at_1m", 150.0));
    bad_scene("roar_on_gunshot", s, "events[0].roar_db_spl_at_1m");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f, s:f}", "type", "impact", "t_s", 0.0,
                                           "range_m", 40.0, "bearing_deg", 0.0, "e_m", 3.0));
    bad_scene("two_positions", s, "events[0]");
    s = with_event(base_scene(), json_pack("{s:s, s:f, s:f, s:f, s:f}", "type", "impact", "t_s", 0.0,
                                           "e_m", 0.0, "n_m", 100.3, "u_m", 1.5));
    bad_scene("on_a_sensor", s, "events[0]");
    s = base_scene(); json_object_set_new(s, "duration_s", json_string("long"));
    bad_scene("duration_string", s, "duration_s");
    s = base_scene(); json_object_set_new(s, "config_atmosphere", json_pack("{s:f}", "pressure_kpa", 10.0));
    bad_scene("config_pressure", s, "config_atmosphere.pressure_kpa");
    s = base_scene();
    json_object_set_new(s, "config_atmosphere", json_pack("{s:f}", "temperature_sigma_c", 0.0));
    bad_scene("config_temperature_sigma", s, "config_atmosphere.temperature_sigma_c");
    s = base_scene(); json_object_set_new(s, "config_detection", json_pack("{s:f}", "position_sigma_m", -1.0));
    bad_scene("config_position_sigma", s, "config_detection.position_sigma_m");
    s = base_scene(); json_object_set_new(s, "config_detection", json_pack("{s:f}", "min_sensors", 5.0));
    bad_scene("config_detection_unknown", s, "config_detection.min_sensors: unknown key");
    test_bad_new_sources();
    /* Not JSON at all. */
    char path[1024], args[2048];
    snprintf(path, sizeof path, "%s/not_json.json", work);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs("{\"duration_s\": 1,,}", f);
        fclose(f);
    }
    snprintf(args, sizeof args, "'%s' --out '%s/cli_out'", path, work);
    result r = run(args);
    CHECK(r.status == 2 && strstr(r.err, path) != NULL && strstr(r.err, "line 1") != NULL,
          "invalid JSON: exit %d: %s", r.status, r.err);
}

static void test_usage(void)
{
    result r = run("--help");
    CHECK(r.status == 0 && strstr(r.out, "usage: earshot-sim") != NULL, "--help: %d", r.status);
    r = run("");
    CHECK(r.status == 2 && strstr(r.err, "no scenario") != NULL, "no arguments: %d %s", r.status, r.err);
    char args[2048];
    snprintf(args, sizeof args, "'%s/quiet.json'", scenes);
    r = run(args);
    CHECK(r.status == 2 && strstr(r.err, "--out") != NULL, "no --out: %d %s", r.status, r.err);
    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s' --bogus", scenes, work);
    r = run(args);
    CHECK(r.status == 2 && strstr(r.err, "--bogus") != NULL, "unknown option: %d %s", r.status, r.err);
    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s' --seed -3", scenes, work);
    r = run(args);
    CHECK(r.status == 2 && strstr(r.err, "--seed") != NULL, "bad seed: %d %s", r.status, r.err);
    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s' --duration 0", scenes, work);
    r = run(args);
    CHECK(r.status == 2 && strstr(r.err, "--duration") != NULL, "bad duration: %d %s", r.status, r.err);
    snprintf(args, sizeof args, "'%s/missing.json' --out '%s'", work, work);
    r = run(args);
    CHECK(r.status == 2 && strstr(r.err, "missing.json") != NULL, "missing file: %d %s", r.status, r.err);
}

static void test_runs(void)
{
    char args[2048], blocker[1024];
    /* An output "directory" that is a file: a failure at run time. */
    snprintf(blocker, sizeof blocker, "%s/not_a_dir", work);
    FILE *f = fopen(blocker, "w");
    if (f != NULL)
        fclose(f);
    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s' --duration 0.5", scenes, blocker);
    result r = run(args);
    CHECK(r.status == 1, "unwritable output: exit %d (%s)", r.status, r.err);

    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s/cli_ok' --prefix run1 --seed 5 "
             "--duration 2 --endpoint ipc:///tmp/earshot-test.sock", scenes, work);
    r = run(args);
    CHECK(r.status == 0, "good run: exit %d (%s)", r.status, r.err);
    char site[1024], truth[1024];
    snprintf(site, sizeof site, "%s/cli_ok/run1.site.json", work);
    snprintf(truth, sizeof truth, "%s/cli_ok/run1.truth.json", work);
    CHECK(strstr(r.out, "run1.wav") != NULL && strstr(r.out, site) != NULL && strstr(r.out, truth) != NULL,
          "good run prints the three paths: %s", r.out);
    json_t *s = simtest_load_json(site), *t = simtest_load_json(truth);
    const char *ep = json_string_value(json_object_get(json_object_get(s, "publish"), "endpoint"));
    CHECK(ep != NULL && strcmp(ep, "ipc:///tmp/earshot-test.sock") == 0, "endpoint override: %s", ep ? ep : "-");
    CHECK(json_integer_value(json_object_get(t, "seed")) == 5, "seed override");
    CHECK(simtest_num(t, "duration_s") == 2.0, "duration override: %g", simtest_num(t, "duration_s"));
    json_decref(s);
    json_decref(t);
    /* Default prefix: the scenario's name. */
    snprintf(args, sizeof args, "'%s/quiet.json' --out '%s/cli_ok' --duration=0.5", scenes, work);
    r = run(args);
    CHECK(r.status == 0 && strstr(r.out, "cli_ok/quiet.truth.json") != NULL,
          "default prefix: %d %s %s", r.status, r.out, r.err);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_sim_cli EARSHOT_SIM SCENES_DIR WORK_DIR\n");
        return 2;
    }
    exe = argv[1];
    scenes = argv[2];
    work = argv[3];
    mkdir(work, 0777);
    test_usage();
    test_bad_scenarios();
    test_runs();
    return simtest_report("sim_cli");
}
