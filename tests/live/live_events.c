/* test_live_events: turns an --events file of `earshot run` into what the
 * live test scripts check with plain shell tools (no jq on a fresh
 * machine).
 *
 *   test_live_events shift SECONDS IN OUT
 *       copies IN to OUT with SECONDS subtracted from every t_origin: the
 *       live engine's UNIX times become the scene file's times, which the
 *       simulator's truth uses (SECONDS: when the player's first frame
 *       played).
 *   test_live_events heartbeats IN
 *       one line per heartbeat: t n_ok n_sensors temperature_c
 *       (temperature_c is "nan" if the heartbeat has none). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int shift(double offset_s, const char *in, const char *out)
{
    FILE *f = fopen(in, "r"), *g = fopen(out, "w");
    if (f == NULL || g == NULL) {
        fprintf(stderr, "test_live_events: cannot open %s or %s\n", in, out);
        return 2;
    }
    char line[1 << 16];
    int rc = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!json_is_object(o)) {
            fprintf(stderr, "test_live_events: %s: not JSON: %s\n", in, je.text);
            rc = 1;
            json_decref(o);
            continue;
        }
        json_t *t = json_object_get(o, "t_origin");
        if (json_is_number(t))
            json_object_set_new(o, "t_origin", json_real(json_number_value(t) - offset_s));
        char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
        if (text != NULL)
            fprintf(g, "%s\n", text);
        free(text);
        json_decref(o);
    }
    fclose(f);
    if (fclose(g) != 0)
        rc = 2;
    return rc;
}

static int heartbeats(const char *in)
{
    FILE *f = fopen(in, "r");
    if (f == NULL) {
        fprintf(stderr, "test_live_events: cannot open %s\n", in);
        return 2;
    }
    char line[1 << 16];
    while (fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        if (topic != NULL && strcmp(topic, "heartbeat") == 0) {
            json_t *sensors = json_object_get(o, "sensors");
            size_t n = json_array_size(sensors), ok = 0;
            for (size_t i = 0; i < n; i++)
                ok += json_is_true(json_object_get(json_array_get(sensors, i), "ok"));
            json_t *temp = json_object_get(json_object_get(o, "atmosphere"), "temperature_c");
            printf("%.6f %zu %zu %.2f\n", json_number_value(json_object_get(o, "t")), ok, n,
                   json_is_number(temp) ? json_number_value(temp) : NAN);
        }
        json_decref(o); /* a line cut short while the engine writes: skipped */
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "shift") == 0)
        return shift(strtod(argv[2], NULL), argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[1], "heartbeats") == 0)
        return heartbeats(argv[2]);
    fprintf(stderr, "usage: test_live_events shift SECONDS IN OUT | heartbeats IN\n");
    return 2;
}
