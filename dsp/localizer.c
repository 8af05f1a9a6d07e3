/* The locate stage: GCC-PHAT refinement, TOA solve, uncertainty, geodesy
 * (see include/earshot/localizer.h). */
#include "earshot/localizer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/atmosphere.h"
#include "earshot/gccphat.h"
#include "earshot/geodesy.h"
#include "earshot/locate.h"
#include "earshot/uncertainty.h"

struct es_localizer_s {
    es_localizer_config cfg;
    es_gccphat gcc;
    es_locate solver;
    es_geodesy geo;
};

static void set_defaults(es_localizer_config *c)
{
    if (c->max_refine_s <= 0) c->max_refine_s = 0.02;
    if (c->sigma_floor_s <= 0) c->sigma_floor_s = 20e-6;
    if (c->position_sigma_m < 0) c->position_sigma_m = 0.0;
    if (c->min_peak <= 0) c->min_peak = 0.08;
    if (c->search_max_range_m <= 0) c->search_max_range_m = 30000.0;
    if (c->outlier_sigma <= 0) c->outlier_sigma = 6.0;
}

static int make_parts(es_localizer L, es_error *err)
{
    const es_localizer_config *c = &L->cfg;
    es_gccphat_config gc = {
        .window_len = ES_SNIPPET_LEN,
        .sample_rate_hz = c->sample_rate_hz,
        .f_lo_hz = c->band_lo_hz,
        .f_hi_hz = c->band_hi_hz,
        .phat_beta = 1.0,
        /* The snippet's lead-in before the onset, less a margin for a
         * late pick, is the noise each sensor had just before. */
        .noise_len = ES_SNIPPET_PRE - 128,
        /* Snippets are aligned on onsets picked at the first arrival, to
         * about a millisecond: a peak at least half as high within that
         * wins over a higher one further off (a reflection's). */
        .near_peak_ratio = 0.5,
        .near_window_samples = 1e-3 * c->sample_rate_hz,
    };
    L->gcc = es_gccphat_create(&gc, err);
    if (L->gcc == NULL)
        return ES_EINVAL;
    es_locate_config lc = {
        .n_sensors = c->n_sensors,
        .source_u_m = 0.0,
        .search_max_range_m = c->search_max_range_m,
        .max_iterations = 100,
        .cov_mode = ES_COV_BAYES,
        .outlier_sigma = c->outlier_sigma,
        .min_sensors = ES_MIN_SENSORS_TO_LOCATE,
    };
    memcpy(lc.sensor_m, c->sensor_m, sizeof lc.sensor_m);
    L->solver = es_locate_create(&lc, err);
    if (L->solver == NULL)
        return ES_EINVAL;
    L->geo = es_geodesy_create(c->origin_lat_deg, c->origin_lon_deg, c->origin_alt_m, err);
    return L->geo == NULL ? ES_EINVAL : ES_OK;
}

es_localizer es_localizer_create(const es_localizer_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->n_sensors < ES_MIN_SENSORS_TO_LOCATE ||
        cfg->n_sensors > ES_MAX_SENSORS || !(cfg->sample_rate_hz > 0)) {
        es_error_set(err, ES_EINVAL, "localizer: needs %d..%d sensors and a sample rate",
                     ES_MIN_SENSORS_TO_LOCATE, ES_MAX_SENSORS);
        return NULL;
    }
    es_localizer L = calloc(1, sizeof *L);
    if (L == NULL) {
        es_error_set(err, ES_ENOMEM, "localizer: out of memory");
        return NULL;
    }
    L->cfg = *cfg;
    set_defaults(&L->cfg);
    if (make_parts(L, err) != ES_OK) {
        es_localizer_destroy(&L);
        return NULL;
    }
    return L;
}

/* The member with the clearest onset anchors the arrival-time differences;
 * one an earlier fix left out is passed over when another will do: it may
 * be that fix's wavefront with this one close behind (a salvo), and every
 * lag measured against it could lock onto either. */
static int better_reference(const es_onset *a, const es_onset *b)
{
    if ((a->requeued == 0) != (b->requeued == 0))
        return a->requeued == 0;
    return a->snr_db > b->snr_db;
}

static size_t pick_reference(const es_onset_group *g)
{
    size_t ref = 0;
    for (size_t i = 1; i < g->n; i++)
        if (better_reference(g->onset[i], g->onset[ref]))
            ref = i;
    return ref;
}

typedef struct {
    es_locate_input in;
    size_t member[ES_MAX_SENSORS];   /* group member of each measurement */
    int refused[ES_MAX_SENSORS];     /* per member: GCC found no peak */
    double peak[ES_MAX_SENSORS];     /* per measurement: GCC peak, NaN for the reference */
    int64_t base_frame;
} arrivals;

/* Arrival of each member relative to the reference's onset, in seconds,
 * and its 1-sigma: the GCC lag's (wider for a weaker correlation peak) and
 * the sensor position's (an error along the wavefront's path shifts the
 * arrival by that distance over the speed of sound), independent. */
static void measure_arrivals(es_localizer L, const es_onset_group *g, double c_mps, arrivals *a)
{
    double position_s = L->cfg.position_sigma_m / c_mps;
    const es_localizer_config *c = &L->cfg;
    size_t ref = pick_reference(g);
    const es_onset *r = g->onset[ref];
    double fs = c->sample_rate_hz;
    a->base_frame = r->frame;
    a->in.n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const es_onset *o = g->onset[i];
        double rel_frames = 0.0, lag_sigma_s = c->sigma_floor_s, peak = NAN;
        a->refused[i] = 0;
        if (i != ref) {
            es_gccphat_result res;
            int rc = es_gccphat_execute(L->gcc, r->snippet, o->snippet, c->max_refine_s * fs, &res);
            if (rc != ES_OK || res.peak < c->min_peak) {
                a->refused[i] = 1;
                continue;
            }
            rel_frames = (double)(o->snippet_frame - r->snippet_frame) + res.lag_samples;
            /* A weaker correlation peak means a less certain lag. */
            lag_sigma_s = c->sigma_floor_s / res.peak;
            peak = res.peak;
        }
        size_t k = a->in.n++;
        a->peak[k] = peak;
        a->in.sensor[k] = o->sensor;
        a->in.arrival_s[k] = rel_frames / fs;
        a->in.sigma_s[k] = sqrt(lag_sigma_s * lag_sigma_s + position_s * position_s);
        a->member[k] = i;
    }
}

static void fill_alternative(es_localizer L, const es_fix *fix, es_event *ev)
{
    ev->has_alternative = fix->has_alternative;
    if (!fix->has_alternative)
        return;
    double alt_m;
    ev->alt_e_m = fix->alt_e_m;
    ev->alt_n_m = fix->alt_n_m;
    ev->alt_probability = fix->alt_probability;
    if (es_geodesy_enu_to_geodetic(L->geo, fix->alt_e_m, fix->alt_n_m, fix->u_m,
                                   &ev->alt_lat_deg, &ev->alt_lon_deg, &alt_m) != ES_OK)
        ev->alt_lat_deg = ev->alt_lon_deg = NAN;
    es_range_bearing(fix->alt_e_m, fix->alt_n_m, &ev->alt_range_m, &ev->alt_bearing_deg);
}

static void fill_position(es_localizer L, const es_fix *fix, es_event *ev)
{
    ev->e_m = fix->e_m;
    ev->n_m = fix->n_m;
    ev->u_m = fix->u_m;
    double cov_en[2][2] = {{fix->cov[0][0], fix->cov[0][1]}, {fix->cov[1][0], fix->cov[1][1]}};
    es_uncertainty u;
    if (es_uncertainty_from_cov(cov_en, &u) == ES_OK) {
        ev->cep50_m = u.cep50_m;
        ev->semi_major_m = u.semi_major_m;
        ev->semi_minor_m = u.semi_minor_m;
        ev->orientation_deg = u.orientation_deg;
    } else {
        ev->cep50_m = ev->semi_major_m = ev->semi_minor_m = NAN;
        ev->orientation_deg = 0.0;
    }
    if (es_geodesy_enu_to_geodetic(L->geo, fix->e_m, fix->n_m, fix->u_m, &ev->lat_deg,
                                   &ev->lon_deg, &ev->alt_m) != ES_OK)
        ev->lat_deg = ev->lon_deg = ev->alt_m = NAN;
    es_range_bearing(fix->e_m, fix->n_m, &ev->range_m, &ev->bearing_deg);
    fill_alternative(L, fix, ev);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* How alike the used sensors' waveforms are: the median GCC peak against
 * the reference (one coherent wavefront: near 1). */
static double median_used_peak(const arrivals *a, const es_fix *fix)
{
    double v[ES_MAX_SENSORS];
    size_t n = 0;
    for (size_t k = 0; k < a->in.n; k++)
        if (fix->used[k] && !isnan(a->peak[k]))
            v[n++] = a->peak[k];
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void fill_members(const es_onset_group *g, const arrivals *a, const es_fix *fix,
                         double fs, es_event *ev)
{
    double sum_r2 = 0.0, sum_snr = 0.0;
    ev->n_used = ev->n_rejected = 0;
    ev->peak_dbfs = -200.0;
    ev->last_arrival_frame = a->base_frame;
    for (size_t k = 0; k < a->in.n; k++) {
        const es_onset *o = g->onset[a->member[k]];
        if (!fix->used[k]) {
            ev->rejected[ev->n_rejected++] = (uint16_t)o->sensor;
            continue;
        }
        ev->used[ev->n_used++] = (uint16_t)o->sensor;
        sum_r2 += fix->residual_s[k] * fix->residual_s[k];
        sum_snr += o->snr_db;
        if (o->peak_dbfs > ev->peak_dbfs)
            ev->peak_dbfs = o->peak_dbfs;
        int64_t f = a->base_frame + (int64_t)ceil(a->in.arrival_s[k] * fs);
        if (f > ev->last_arrival_frame)
            ev->last_arrival_frame = f;
    }
    for (size_t i = 0; i < g->n; i++)
        if (a->refused[i])
            ev->rejected[ev->n_rejected++] = (uint16_t)g->onset[i]->sensor;
    ev->residual_rms_s = ev->n_used ? sqrt(sum_r2 / (double)ev->n_used) : NAN;
    ev->gcc_peak_median = median_used_peak(a, fix);
    ev->mean_snr_db = ev->n_used ? sum_snr / (double)ev->n_used : 0.0;
}

static void predict(es_localizer L, const es_fix *fix, const es_locate_input *in,
                    int64_t base_frame, int64_t *predicted_frame)
{
    const es_localizer_config *c = &L->cfg;
    double src[3] = {fix->e_m, fix->n_m, fix->u_m};
    for (size_t s = 0; s < c->n_sensors; s++) {
        double t_s = fix->t0_s + es_travel_time_s(src, c->sensor_m[s], fix->c_mps, in->wind_en_mps);
        predicted_frame[s] =
            isfinite(t_s) ? base_frame + (int64_t)llround(t_s * c->sample_rate_hz) : INT64_MIN;
    }
}

int es_localizer_execute(es_localizer L, const es_onset_group *g, const es_atmosphere_config *atm,
                         es_event *ev, int64_t *predicted_frame)
{
    if (g == NULL || g->n < ES_MIN_SENSORS_TO_LOCATE)
        return ES_EINVAL;
    arrivals a;
    memset(&a, 0, sizeof a);
    double c_mps =
        es_speed_of_sound_moist_mps(atm->temperature_c, atm->humidity_pct, atm->pressure_kpa);
    measure_arrivals(L, g, c_mps, &a);
    if (a.in.n < ES_MIN_SENSORS_TO_LOCATE)
        return ES_EINVAL;
    a.in.c_mps = c_mps;
    /* The prior on the speed of sound: the configured air and how far the
     * real air along the paths may be from it (set, or from physics). */
    a.in.c_sigma_mps = L->cfg.speed_sigma_mps > 0.0 ? L->cfg.speed_sigma_mps
                       : L->cfg.speed_sigma_mps < 0.0
                           ? 0.0
                           : es_speed_of_sound_sigma_mps(atm->temperature_c, atm->humidity_pct,
                                                         atm->temperature_sigma_c,
                                                         atm->pressure_kpa);
    es_wind_vector(atm->wind_speed_mps, atm->wind_from_deg, a.in.wind_en_mps);
    es_fix fix;
    int rc = es_locate_execute(L->solver, &a.in, &fix);
    if (rc != ES_OK)
        return rc;
    double fs = L->cfg.sample_rate_hz;
    ev->t_origin_s = (double)a.base_frame / fs + fix.t0_s;
    ev->c_mps = fix.c_mps;
    ev->c_sigma_mps = fix.c_sigma_mps;
    fill_position(L, &fix, ev);
    fill_members(g, &a, &fix, fs, ev);
    if (predicted_frame != NULL)
        predict(L, &fix, &a.in, a.base_frame, predicted_frame);
    return ES_OK;
}

void es_localizer_destroy(es_localizer *L)
{
    if (L == NULL || *L == NULL)
        return;
    es_gccphat_destroy(&(*L)->gcc);
    es_locate_destroy(&(*L)->solver);
    es_geodesy_destroy(&(*L)->geo);
    free(*L);
    *L = NULL;
}
