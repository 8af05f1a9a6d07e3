/* Determinism: the same scenario and seed give byte-identical recording,
 * site config and truth; another seed gives a different recording and
 * different sensor errors. The scene has every random ingredient: ambient,
 * wind and generator noise (demo.json), sensor errors, a rocket's roar, a
 * thunder channel, a generator starting (rough cranking, exhaust noise), a
 * gust; and an artillery shell's crack (not random: its search for the
 * stationary arrival must repeat exactly). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simtest.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
    *n = buf != NULL ? fread(buf, 1, (size_t)len, f) : 0;
    fclose(f);
    return buf;
}

/* 1 same bytes, 0 different, -1 unreadable. */
static int same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    int r = x == NULL || y == NULL ? -1 : (na == nb && memcmp(x, y, na) == 0);
    free(x);
    free(y);
    return r;
}

static json_t *short_scene(const char *demo)
{
    json_t *sc = simtest_load_scenario(demo);
    if (sc == NULL)
        return NULL;
    json_object_set_new(sc, "duration_s", json_real(5.0));
    json_object_set_new(sc, "events", json_pack(
        "[{s:s, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f},"
        " {s:s, s:f, s:f, s:f}, {s:s, s:f, s:s}, {s:s, s:f, s:f, s:f, s:b}]",
        "type", "rocket", "t_s", 0.2, "range_m", 400.0, "bearing_deg", 10.0,
        "type", "thunder", "t_s", 1.0, "range_m", 700.0, "bearing_deg", 200.0, "channel_top_m", 600.0,
        "type", "gunshot", "t_s", 3.5, "range_m", 300.0, "bearing_deg", 120.0,
        "type", "generator_start", "t_s", 0.5, "range_m", 150.0, "bearing_deg", 250.0,
        "type", "gust", "t_s", 2.0, "sensor", "S3",
        "type", "artillery", "t_s", -2.0, "range_m", 1500.0, "bearing_deg", 60.0, "crack", 1));
    return sc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_sim_determinism DEMO.json WORK_DIR\n");
        return 2;
    }
    json_t *sc = short_scene(argv[1]);
    CHECK(sc != NULL, "loading %s", argv[1]);
    if (sc == NULL)
        return simtest_report("sim_determinism");
    es_sim_options o11 = {1, 11, 0.0, NULL}, o12 = {1, 12, 0.0, NULL};
    es_sim_outputs a, b, c;
    int ok = simtest_run(sc, argv[2], "det_a", &o11, &a) == ES_OK &&
             simtest_run(sc, argv[2], "det_b", &o11, &b) == ES_OK &&
             simtest_run(sc, argv[2], "det_c", &o12, &c) == ES_OK;
    CHECK(ok, "simulating");
    if (ok) {
        CHECK(same_file(a.audio_path, b.audio_path) == 1, "same seed, different audio");
        CHECK(same_file(a.site_path, b.site_path) == 1, "same seed, different site config");
        /* The truth names its audio file and scenario, which differ by
         * prefix only. */
        json_t *ta = simtest_load_json(a.truth_path), *tb = simtest_load_json(b.truth_path);
        for (int i = 0; i < 2 && ta != NULL && tb != NULL; i++) {
            const char *key = i == 0 ? "audio" : "scenario";
            json_object_del(ta, key);
            json_object_del(tb, key);
        }
        CHECK(ta != NULL && tb != NULL && json_equal(ta, tb), "same seed, different truth");
        json_decref(ta);
        json_decref(tb);
        CHECK(same_file(a.audio_path, c.audio_path) == 0, "another seed, same audio");
        CHECK(same_file(a.site_path, c.site_path) == 0, "another seed, same sensor errors");
        simtest_audio x, y;
        if (simtest_read_audio(a.audio_path, &x) == 0 && simtest_read_audio(c.audio_path, &y) == 0) {
            size_t differ = 0;
            for (size_t i = 0; i < x.frames * (size_t)x.channels; i++)
                differ += x.x[i] != y.x[i];
            CHECK(differ > x.frames * (size_t)x.channels / 2,
                  "another seed changed only %zu of %zu samples", differ,
                  x.frames * (size_t)x.channels);
            simtest_audio_free(&x);
            simtest_audio_free(&y);
        }
    }
    json_decref(sc);
    return simtest_report("sim_determinism");
}
