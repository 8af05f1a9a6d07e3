/* Scene design of the accuracy benchmark: a deterministic set of scenes
 * from a master seed, and each scene's scenario JSON for the simulator.
 *
 * Scene k's layout follows a cycle of six (ring, line, ring, clusters,
 * exact, ring), so any count mixes every layout; every other number is
 * drawn from scene k's own random stream, so scene k is the same whatever
 * the count or filter. Launch ranges cycle through the four range bands
 * per layout (exact scenes count on their own), so bands are covered
 * evenly; bearings are uniform all round. Launches of a scene reach the
 * array at least 8 s apart (the last sensor's arrival of one to the first
 * of the next) so that they never overlap: overlap is a separate test. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"
#include "air.h"
#include "earshot/atmosphere.h"
#include "rng.h"

#define DEG (3.14159265358979323846 / 180.0)
#define SENSOR_U_M 1.5
#define SOURCE_U_M 1.0
#define LEAD_IN_S 1.5       /* detector warm-up (0.5 s LTA) and filter settling */
#define GAP_S 8.0           /* last arrival of one launch to first of the next */
#define TAIL_S 3.0          /* rocket roar (1.8 s), echoes, snippet, gate */
#define STREAM_DESIGN 0x7000u
/* acc_type_names' artillery: its shell's supersonic crack is simulated
 * too, as a real round's would reach the array before the muzzle blast. */
#define TYPE_ARTILLERY 2

const char *const acc_layout_names[ACC_N_LAYOUTS] = {"ring", "line", "clusters"};
const char *const acc_type_names[3] = {"mortar", "rocket", "artillery"};
const double acc_band_edges_m[ACC_N_BANDS + 1] = {500.0, 2000.0, 4000.0, 8000.0, 10000.0};

int acc_band_of(double range_m)
{
    for (int b = 0; b < ACC_N_BANDS - 1; b++)
        if (range_m < acc_band_edges_m[b + 1])
            return b;
    return ACC_N_BANDS - 1;
}

static double uni(sim_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * sim_rng_uniform(r);
}

static void put_sensor(acc_scene *s, double e, double n)
{
    s->sensor_m[s->n_sensors][0] = e;
    s->sensor_m[s->n_sensors][1] = n;
    s->sensor_m[s->n_sensors][2] = SENSOR_U_M;
    s->n_sensors++;
}

/* A ring around the camp: 6-64 sensors (mostly 6-16), radius 150-500 m. */
static void design_ring(acc_scene *s, sim_rng *r)
{
    static const int counts[] = {6, 6, 8, 8, 10, 12, 12, 16, 16, 20, 24, 32, 48, 64};
    int count = counts[(size_t)(sim_rng_uniform(r) * (sizeof counts / sizeof *counts))];
    double radius = uni(r, 150.0, 500.0), rot = uni(r, 0.0, 360.0);
    for (int i = 0; i < count; i++) {
        double b = (rot + 360.0 * i / count) * DEG;
        put_sensor(s, radius * sin(b), radius * cos(b));
    }
    s->size_m = radius;
}

/* A line along one fence: 4-16 sensors over 300-1000 m, the fence
 * 0-400 m from the camp's centre. A straight line cannot tell which side
 * of it a source is on (the mirror image fits the same arrivals). */
static void design_line(acc_scene *s, sim_rng *r)
{
    int count = 4 + (int)(sim_rng_uniform(r) * 13.0);
    double length = uni(r, 300.0, 1000.0), axis = uni(r, 0.0, 180.0), offset = uni(r, 0.0, 400.0);
    double ce = offset * sin((axis + 90.0) * DEG), cn = offset * cos((axis + 90.0) * DEG);
    for (int i = 0; i < count; i++) {
        double t = length * ((double)i / (count - 1) - 0.5);
        put_sensor(s, ce + t * sin(axis * DEG), cn + t * cos(axis * DEG));
    }
    s->size_m = length;
    s->line_axis_deg = axis;
    s->line_offset_m = offset;
}

/* Three compact clusters (4 microphones, sometimes 6 or 8, 1-3 m apart)
 * 250-350 m from each other on a ring around the camp. */
static void design_clusters(acc_scene *s, sim_rng *r)
{
    int per = sim_rng_uniform(r) < 0.25 ? (sim_rng_uniform(r) < 0.5 ? 6 : 8) : 4;
    double apart = uni(r, 250.0, 350.0), spacing = uni(r, 1.0, 3.0), rot = uni(r, 0.0, 360.0);
    double ring = apart / sqrt(3.0), small = spacing / (2.0 * sin(3.14159265358979323846 / per));
    for (int k = 0; k < 3; k++) {
        double b = (rot + 120.0 * k) * DEG;
        for (int j = 0; j < per; j++) {
            double a = b + 2.0 * 3.14159265358979323846 * j / per;
            put_sensor(s, ring * sin(b) + small * sin(a), ring * cos(b) + small * cos(a));
        }
    }
    s->size_m = apart;
    s->spacing_m = spacing;
}

static double farthest_sensor_m(const acc_scene *s)
{
    double far = 0.0;
    for (size_t i = 0; i < s->n_sensors; i++)
        far = fmax(far, hypot(s->sensor_m[i][0], s->sensor_m[i][1]));
    return far;
}

/* The weather and what the config says about it. Exact scenes: the true
 * temperature and humidity, from a weather station good to 0.1 C
 * (atmosphere.temperature_sigma_c); ordinary scenes: a thermometer up to
 * 3 C off and no humidity (the engine assumes 50 %). */
static void design_air(acc_scene *s, sim_rng *r)
{
    s->temperature_c = uni(r, -20.0, 45.0);
    s->humidity_pct = uni(r, 10.0, 90.0);
    s->pressure_kpa = uni(r, 88.0, 102.0);
    s->wind_mps = s->exact ? uni(r, 0.0, 6.0) : uni(r, 0.0, 12.0);
    s->wind_from_deg = uni(r, 0.0, 360.0);
    sim_air air = {s->temperature_c, s->humidity_pct, s->pressure_kpa, s->wind_mps,
                   s->wind_from_deg, 1};
    s->c_mps = sim_air_speed_of_sound_mps(&air);
    double off = uni(r, -3.0, 3.0);
    s->cfg_temperature_c = s->exact ? s->temperature_c : s->temperature_c + off;
}

/* Noise beds: pink ambient 40-70 dB SPL, wind noise always, a generator in
 * a third of the ordinary scenes (at least 20 m from every sensor). Exact
 * scenes are quiet (40-50 dB, no generator): good SNR. */
static void design_noise(acc_scene *s, sim_rng *r)
{
    s->ambient_db = s->exact ? uni(r, 40.0, 50.0) : uni(r, 40.0, 70.0);
    s->reflection_coeff = uni(r, 0.6, 0.9);
    s->generator = !s->exact && sim_rng_uniform(r) < 1.0 / 3.0;
    s->generator_db = uni(r, 85.0, 100.0);
    double far = farthest_sensor_m(s);
    for (int tries = 0; s->generator && tries < 100; tries++) {
        double e = uni(r, -far, far), n = uni(r, -far, far), near = 1e9;
        for (size_t i = 0; i < s->n_sensors; i++)
            near = fmin(near, hypot(e - s->sensor_m[i][0], n - s->sensor_m[i][1]));
        s->generator_e_m = e;
        s->generator_n_m = n;
        if (near >= 20.0)
            break;
    }
}

/* Launch ranges cycle through the bands (band_counter per layout class);
 * the lowest band starts at least 150 m beyond the farthest sensor. Origin
 * times put the first arrival LEAD_IN_S into the file and GAP_S between
 * launches; the duration ends TAIL_S after the last arrival. */
static void design_launches(acc_scene *s, sim_rng *r, int *band_counter)
{
    int max_launches = s->n_sensors > 40 ? 1 : s->n_sensors > 24 ? 2 : ACC_MAX_LAUNCHES;
    s->n_launches = 1 + (int)(sim_rng_uniform(r) * max_launches);
    double wind[2], next_first_s = LEAD_IN_S + uni(r, 0.0, 0.5), last_s = 0.0;
    sim_air air = {s->temperature_c, s->humidity_pct, s->pressure_kpa, s->wind_mps,
                   s->wind_from_deg, 1};
    sim_air_wind_en(&air, wind);
    double min_range = fmax(acc_band_edges_m[0], farthest_sensor_m(s) + 150.0);
    for (int k = 0; k < s->n_launches; k++) {
        int band = (*band_counter)++ % ACC_N_BANDS;
        double lo = fmax(acc_band_edges_m[band], band == 0 ? min_range : 0.0);
        s->range_m[k] = uni(r, lo, acc_band_edges_m[band + 1]);
        s->bearing_deg[k] = uni(r, 0.0, 360.0);
        s->type[k] = (int)(sim_rng_uniform(r) * 3.0);
        double src[3] = {s->range_m[k] * sin(s->bearing_deg[k] * DEG),
                         s->range_m[k] * cos(s->bearing_deg[k] * DEG), SOURCE_U_M};
        double tmin = 1e9, tmax = 0.0;
        for (size_t i = 0; i < s->n_sensors; i++) {
            double t = sim_air_travel_time_s(src, s->sensor_m[i], s->c_mps, wind);
            tmin = fmin(tmin, t);
            tmax = fmax(tmax, t);
        }
        s->t_s[k] = next_first_s - tmin;
        last_s = s->t_s[k] + tmax;
        next_first_s = last_s + GAP_S + uni(r, 0.0, 1.0);
    }
    s->duration_s = ceil(last_s + TAIL_S);
}

static const int cycle_exact = 4; /* position of the exact scene in the cycle of six */

static acc_layout layout_of(int index, int *exact)
{
    static const acc_layout cycle[6] = {ACC_RING, ACC_LINE, ACC_RING, ACC_CLUSTERS, ACC_RING,
                                        ACC_RING};
    static const acc_layout exact_cycle[4] = {ACC_RING, ACC_CLUSTERS, ACC_RING, ACC_LINE};
    *exact = index % 6 == cycle_exact;
    return *exact ? exact_cycle[(index / 6) % 4] : cycle[index % 6];
}

void acc_design_scenes(uint64_t master_seed, int n, acc_scene *out)
{
    int band_counter[ACC_N_LAYOUTS + 1] = {0};
    for (int k = 0; k < n; k++) {
        acc_scene *s = &out[k];
        memset(s, 0, sizeof *s);
        sim_rng r;
        sim_rng_seed(&r, master_seed, STREAM_DESIGN + (uint64_t)k);
        s->index = k;
        s->layout = layout_of(k, &s->exact);
        s->sim_seed = sim_rng_next(&r) >> 16;
        if (s->layout == ACC_RING)
            design_ring(s, &r);
        else if (s->layout == ACC_LINE)
            design_line(s, &r);
        else
            design_clusters(s, &r);
        s->position_sigma_m = s->exact ? 0.0 : uni(&r, 0.015, 0.03);
        s->gain_sigma_db = 1.0;
        design_air(s, &r);
        design_noise(s, &r);
        design_launches(s, &r, &band_counter[s->exact ? ACC_N_LAYOUTS : (int)s->layout]);
    }
}

/* A growing string; on allocation failure it frees and stays NULL. */
typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->p == NULL)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            free(b->p);
            b->p = NULL;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        char *more = realloc(b->p, b->cap * 2 + (size_t)n);
        if (more == NULL) {
            free(b->p);
            b->p = NULL;
            return;
        }
        b->p = more;
        b->cap = b->cap * 2 + (size_t)n;
    }
}

static void json_sensors(sbuf *b, const acc_scene *s)
{
    sb_printf(b, " \"sensors\": [");
    for (size_t i = 0; i < s->n_sensors; i++)
        sb_printf(b, "%s{\"id\": \"S%zu\", \"e_m\": %.4f, \"n_m\": %.4f, \"u_m\": %.2f}",
                  i ? ", " : "", i + 1, s->sensor_m[i][0], s->sensor_m[i][1], s->sensor_m[i][2]);
    sb_printf(b, "],\n \"sensor_errors\": {\"position_sigma_m\": %.4f, \"gain_sigma_db\": %.2f},\n",
              s->position_sigma_m, s->gain_sigma_db);
}

static void json_air_noise(sbuf *b, const acc_scene *s)
{
    /* The config states what the site knows: the survey's accuracy, and for
     * exact scenes a weather station's humidity and temperature. */
    char exact_air[160] = "";
    if (s->exact)
        snprintf(exact_air, sizeof exact_air,
                 ", \"humidity_pct\": %.2f, \"pressure_kpa\": %.3f, \"temperature_sigma_c\": 0.1",
                 s->humidity_pct, s->pressure_kpa);
    sb_printf(b,
              " \"atmosphere\": {\"temperature_c\": %.3f, \"humidity_pct\": %.2f,"
              " \"pressure_kpa\": %.3f, \"wind_speed_mps\": %.3f, \"wind_from_deg\": %.2f},\n"
              " \"config_atmosphere\": {\"temperature_c\": %.6f%s},\n"
              " \"config_detection\": {\"position_sigma_m\": %.4f},\n"
              " \"ground\": {\"reflection\": true, \"reflection_coeff\": %.3f},\n"
              " \"noise\": {\"ambient_db_spl\": %.2f, \"wind_noise\": true",
              s->temperature_c, s->humidity_pct, s->pressure_kpa, s->wind_mps, s->wind_from_deg,
              s->cfg_temperature_c, exact_air, s->position_sigma_m, s->reflection_coeff,
              s->ambient_db);
    if (s->generator)
        sb_printf(b, ", \"generator\": {\"e_m\": %.2f, \"n_m\": %.2f, \"level_db_spl_at_1m\": %.1f}",
                  s->generator_e_m, s->generator_n_m, s->generator_db);
    sb_printf(b, "},\n");
}

char *acc_scene_json(const acc_scene *s)
{
    sbuf b = {malloc(16384), 0, 16384};
    sb_printf(&b,
              "{\"description\": \"accuracy benchmark scene %d: %s%s, %zu sensors\",\n"
              " \"seed\": %llu, \"duration_s\": %.1f, \"sample_rate\": 48000, \"format\": \"pcm24\",\n"
              " \"site\": {\"name\": \"accuracy %d\", \"origin\": {\"lat\": 33.3, \"lon\": 44.4,"
              " \"alt_m\": 30}},\n",
              s->index, acc_layout_names[s->layout], s->exact ? " (exact config)" : "",
              s->n_sensors, (unsigned long long)s->sim_seed, s->duration_s, s->index);
    json_sensors(&b, s);
    json_air_noise(&b, s);
    sb_printf(&b, " \"events\": [");
    for (int k = 0; k < s->n_launches; k++)
        sb_printf(&b,
                  "%s\n  {\"type\": \"%s\", \"t_s\": %.6f, \"range_m\": %.3f, \"bearing_deg\": %.4f,"
                  " \"u_m\": %.1f%s}",
                  k ? "," : "", acc_type_names[s->type[k]], s->t_s[k], s->range_m[k],
                  s->bearing_deg[k], SOURCE_U_M,
                  s->type[k] == TYPE_ARTILLERY ? ", \"crack\": true" : "");
    sb_printf(&b, "]}\n");
    return b.p;
}
