/* The inline analysis pipeline (see include/earshot/pipeline.h). */
#include "earshot/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/atmosphere.h"
#include "pipeline_internal.h"


static double camp_radius_m(const es_site_config *s)
{
    double r = 0.0;
    for (size_t i = 0; i < s->n_sensors; i++)
        r = fmax(r, hypot(s->sensors[i].e_m, s->sensors[i].n_m));
    return r;
}

static void sensor_positions(const es_site_config *s, double (*pos)[3])
{
    for (size_t i = 0; i < s->n_sensors; i++) {
        pos[i][0] = s->sensors[i].e_m;
        pos[i][1] = s->sensors[i].n_m;
        pos[i][2] = s->sensors[i].u_m;
    }
}

static es_detector_config detector_config(const es_site_config *s, size_t i)
{
    return (es_detector_config){.sensor = (uint32_t)i, .sample_rate_hz = (double)s->sample_rate_hz,
                                .trigger_db = s->detection.trigger_db};
}

static int make_sensor_stages(es_pipeline p, size_t i, es_error *err)
{
    const es_site_config *s = &p->site;
    es_health_config hc = {.sample_rate_hz = (double)s->sample_rate_hz, .clip_level = 0.999,
                           .dead_level_dbfs = -120.0, .stuck_range = 1e-6};
    es_detector_config dc = detector_config(s, i);
    p->health[i] = es_health_create(&hc, err);
    p->det[i] = p->health[i] ? es_detector_create(&dc, err) : NULL;
    p->sensor_channel[i] = (size_t)s->sensors[i].channel;
    p->sensor_row[i] = i * FILTER_FRAMES;
    return p->det[i] ? ES_OK : ES_EINVAL;
}

/* The band-pass of every sensor, and the detectors' upper band, each as
 * one bank: the filters' recursions run several sensors at once. */
static int make_filters(es_pipeline p, es_error *err)
{
    const es_site_config *s = &p->site;
    unsigned n = (unsigned)s->n_sensors;
    es_condition_config cc = {.sample_rate_hz = (double)s->sample_rate_hz,
                              .band_lo_hz = s->detection.band_lo_hz,
                              .band_hi_hz = s->detection.band_hi_hz, .order = 4, .channels = n};
    p->band = es_condition_create(&cc, err);
    if (p->band == NULL)
        return ES_EINVAL;
    es_detector_config dc = detector_config(s, 0);
    if (es_detector_upper_band(&dc, &cc)) {
        cc.channels = n;
        p->upper = es_condition_create(&cc, err);
        if (p->upper == NULL)
            return ES_EINVAL;
    }
    p->conditioned = calloc((size_t)n * FILTER_FRAMES, sizeof *p->conditioned);
    p->upper_band = calloc((size_t)n * FILTER_FRAMES, sizeof *p->upper_band);
    if (p->conditioned == NULL || p->upper_band == NULL)
        return es_error_set(err, ES_ENOMEM, "pipeline: out of memory");
    return ES_OK;
}

/* The history must reach back over a wavefront's crossing of the array
 * (slowest plausible sound) plus the noise before the first onset, and
 * forward over the revision's tail. */
#define HISTORY_EXTRA_S 3.0

static int make_feature_stages(es_pipeline p, double c_min_mps, es_error *err)
{
    const es_site_config *s = &p->site;
    double aperture_m = 0.0;
    for (size_t i = 0; i < s->n_sensors; i++)
        for (size_t j = i + 1; j < s->n_sensors; j++)
            aperture_m = fmax(aperture_m, hypot(s->sensors[i].e_m - s->sensors[j].e_m,
                                                s->sensors[i].n_m - s->sensors[j].n_m));
    es_history_config hc = {.n_sensors = s->n_sensors,
                            .sample_rate_hz = (double)s->sample_rate_hz,
                            .band_hi_hz = s->detection.band_hi_hz,
                            .length_s = fmin(aperture_m / fmax(c_min_mps, 250.0) + HISTORY_EXTRA_S,
                                             120.0)};
    p->history = es_history_create(&hc, err);
    if (p->history == NULL)
        return ES_EINVAL;
    es_featurizer_config fc = {.n_sensors = s->n_sensors,
                               .sample_rate_hz = (double)s->sample_rate_hz,
                               .band_lo_hz = s->detection.band_lo_hz,
                               .band_hi_hz = s->detection.band_hi_hz,
                               .full_scale_db_spl = s->detection.full_scale_db_spl,
                               .history_rate_hz = es_history_rate_hz(p->history)};
    sensor_positions(s, fc.sensor_m);
    p->feat = es_featurizer_create(&fc, err);
    return p->feat ? ES_OK : ES_EINVAL;
}

static int make_event_stages(es_pipeline p, es_error *err)
{
    const es_site_config *s = &p->site;
    double fs = (double)s->sample_rate_hz;
    /* The slowest wavefront plausible: air much colder than configured,
     * against the wind. */
    double c_min = es_speed_of_sound_mps(s->atmosphere.temperature_c - 25.0) -
                   s->atmosphere.wind_speed_mps - 5.0;
    /* A group of min_sensors onsets is located at once, before the rest
     * of the wavefront has crossed the array; the whole group refines it. */
    es_associator_config ac = {.n_sensors = s->n_sensors, .sample_rate_hz = fs,
                               .c_min_mps = fmax(c_min, 250.0), .margin_s = 0.03,
                               .c_mps = es_speed_of_sound_mps(s->atmosphere.temperature_c),
                               .early_min = p->min_sensors};
    sensor_positions(s, ac.sensor_m);
    p->assoc = es_associator_create(&ac, err);
    if (p->assoc == NULL)
        return ES_EINVAL;

    es_localizer_config lc = {.n_sensors = s->n_sensors, .sample_rate_hz = fs,
                              .origin_lat_deg = s->origin_lat_deg,
                              .origin_lon_deg = s->origin_lon_deg,
                              .origin_alt_m = s->origin_alt_m,
                              .band_lo_hz = s->detection.band_lo_hz,
                              .band_hi_hz = s->detection.band_hi_hz,
                              .position_sigma_m = s->detection.position_sigma_m};
    sensor_positions(s, lc.sensor_m);
    p->loc = es_localizer_create(&lc, err);
    if (p->loc == NULL)
        return ES_EINVAL;

    es_classifier_config kc = {.camp_radius_m = camp_radius_m(s),
                               .launch_min_range_m = s->detection.launch_min_range_m};
    p->cls = es_classifier_create(&kc, err);
    if (p->cls == NULL)
        return ES_EINVAL;
    return make_feature_stages(p, c_min, err);
}

/* With the speed of sound solved too, four arrivals fit any four onsets
 * exactly; requiring half the array keeps coincidences of strays (gusts,
 * clicks) from becoming events, while a far launch is heard everywhere
 * and a dead sensor or two does not matter. */
static size_t min_sensors_for(const es_site_config *s)
{
    if (s->detection.min_sensors > 0)
        return (size_t)s->detection.min_sensors;
    /* Four arrivals fit almost any four onsets (three delays, two
     * coordinates and the speed of sound): where the array allows, one
     * more sensor makes a coincidence of wind gusts or echoes show as a
     * misfit. And at least half the array: a real wavefront crosses it. */
    size_t half = (s->n_sensors + 1) / 2;
    size_t floor_n = s->n_sensors >= 6 ? ES_MIN_SENSORS_TO_LOCATE + 1 : ES_MIN_SENSORS_TO_LOCATE;
    return half > floor_n ? half : floor_n;
}

static int check_config(const es_pipeline_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->site == NULL)
        return es_error_set(err, ES_EINVAL, "pipeline: no site config");
    if (cfg->channels < 1 || cfg->max_block_frames < 1 || cfg->max_block_frames > (1u << 20))
        return es_error_set(err, ES_EINVAL, "pipeline: bad channel count or block size");
    const es_site_config *s = cfg->site;
    if (s->n_sensors < ES_MIN_SENSORS_TO_LOCATE || s->n_sensors > ES_MAX_SENSORS)
        return es_error_set(err, ES_EINVAL, "pipeline: %zu sensors", s->n_sensors);
    for (size_t i = 0; i < s->n_sensors; i++)
        if (s->sensors[i].channel < 0 || s->sensors[i].channel >= cfg->channels)
            return es_error_set(err, ES_EINVAL, "pipeline: sensor %s channel %d not in stream",
                                s->sensors[i].id, s->sensors[i].channel);
    return ES_OK;
}

es_pipeline es_pipeline_create(const es_pipeline_config *cfg, es_error *err)
{
    if (check_config(cfg, err) != ES_OK)
        return NULL;
    es_pipeline p = calloc(1, sizeof *p);
    if (p == NULL) {
        es_error_set(err, ES_ENOMEM, "pipeline: out of memory");
        return NULL;
    }
    p->site = *cfg->site;
    p->channels = cfg->channels;
    p->max_block_frames = cfg->max_block_frames;
    p->all_revisions = cfg->all_revisions;
    p->atm = cfg->site->atmosphere;
    p->next_id = 1;
    es_pl_forget_crack(p);
    p->clean = calloc(cfg->max_block_frames * (size_t)cfg->channels, sizeof *p->clean);
    p->min_sensors = min_sensors_for(&p->site);
    int rc = p->clean ? make_filters(p, err) : es_error_set(err, ES_ENOMEM, "pipeline: out of memory");
    for (size_t i = 0; rc == ES_OK && i < p->site.n_sensors; i++)
        rc = make_sensor_stages(p, i, err);
    if (rc == ES_OK)
        rc = make_event_stages(p, err);
    if (rc != ES_OK) {
        es_pipeline_destroy(&p);
        return NULL;
    }
    p->detector_delay_frames = es_detector_delay_frames(p->det[0]);
    return p;
}

static void push_onsets(es_pipeline p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        p->stats.onsets++;
        (void)es_associator_push(p->assoc, &p->onsets[k]); /* counted inside */
    }
}

/* Frames [frame0, frame0 + frames) of the block, at most FILTER_FRAMES. */
static void analyse_piece(es_pipeline p, const float *x, size_t frames, int64_t frame0)
{
    size_t n = p->site.n_sensors;
    es_condition_execute_many(p->band, x, (size_t)p->channels, p->sensor_channel, p->conditioned,
                              FILTER_FRAMES, frames);
    if (p->upper != NULL)
        es_condition_execute_many(p->upper, p->conditioned, 1, p->sensor_row, p->upper_band,
                                  FILTER_FRAMES, frames);
    for (size_t i = 0; i < n; i++) {
        const float *band = p->conditioned + p->sensor_row[i];
        es_health_execute(p->health[i], x + p->sensor_channel[i], (size_t)p->channels, frames);
        es_history_write(p->history, i, band, frames, frame0);
        size_t got = es_detector_execute_bands(p->det[i], band,
                                               p->upper ? p->upper_band + p->sensor_row[i] : NULL,
                                               frames, frame0, p->onsets, ONSETS_PER_CALL);
        push_onsets(p, got);
    }
}

static void analyse_sensors(es_pipeline p, const float *x, size_t frames)
{
    for (size_t at = 0; at < frames; at += FILTER_FRAMES) {
        size_t len = frames - at < FILTER_FRAMES ? frames - at : FILTER_FRAMES;
        analyse_piece(p, x + at * (size_t)p->channels, len, p->stats.frames + (int64_t)at);
    }
}

/* A sensor the solver keeps leaving out is suspect: its configured
 * position or its clock is probably wrong, and its data should not be
 * trusted until someone looks. */
#define SUSPECT_WINDOW 5u
#define SUSPECT_REJECTIONS 3

static void track_rejections(es_pipeline p, const es_event *ev)
{
    for (size_t k = 0; k < ev->n_used; k++)
        p->rejected_bits[ev->used[k]] = (uint8_t)(p->rejected_bits[ev->used[k]] << 1);
    for (size_t k = 0; k < ev->n_rejected; k++)
        p->rejected_bits[ev->rejected[k]] = (uint8_t)((p->rejected_bits[ev->rejected[k]] << 1) | 1u);
}

static unsigned recent_rejections(const es_pipeline p, size_t sensor)
{
    unsigned bits = p->rejected_bits[sensor] & ((1u << SUSPECT_WINDOW) - 1u), n = 0;
    for (; bits; bits &= bits - 1)
        n++;
    return n;
}

/* Onsets the fix left out may belong to another wavefront (the next round
 * of a salvo): they go back to be associated again, not to waste. */
static void requeue_rejected(es_pipeline p, const es_onset_group *g, const es_event *ev)
{
    for (size_t k = 0; k < g->n; k++)
        for (size_t r = 0; r < ev->n_rejected; r++)
            if (g->onset[k]->sensor == ev->rejected[r]) {
                p->requeue = *g->onset[k];
                p->requeue.requeued++;
                (void)es_associator_push(p->assoc, &p->requeue);
            }
}

/* A group that cannot be located may have been seeded by a false trigger
 * (a gust, a click) that pulled in the real wavefront's onsets: the seed
 * (the earliest member, first in the group) is dropped and the others go
 * back to the associator to be grouped again without it. */
static void requeue_without_seed(es_pipeline p, const es_onset_group *g)
{
    for (size_t k = 1; k < g->n; k++)
        (void)es_associator_push(p->assoc, g->onset[k]);
}

/* Three quarters of the sensors or more heard it, clearly, and still it
 * could not be located, yet it is one smooth wavefront (a point fits it
 * to CRACK_MAX_MISFIT_S; two sources' onsets mixed fit far worse): an
 * artillery shell's crack, a line source, which comes 0.2-1.5 s before the
 * muzzle blast at every sensor. Its onsets are not taken apart again (they
 * would mix with the blast's) and it is remembered as evidence for the
 * blast that follows (features.crack_lead_s). */
#define CLEAR_SNR_DB 20.0
#define CRACK_MAX_MISFIT_S 0.045

static int heard_clearly_by_most(const es_pipeline p, const es_onset_group *g)
{
    if (g->n < p->min_sensors || 4 * g->n < 3 * p->site.n_sensors)
        return 0;
    for (size_t k = 0; k < g->n; k++)
        if (g->onset[k]->snr_db < CLEAR_SNR_DB)
            return 0;
    return 1;
}

/* A fix must explain at least two thirds of the onsets grouped with it: a
 * real wavefront crosses the whole array, while a fit that had to leave
 * out three of eight is usually five onsets of different sources (a salvo,
 * gusts) that happen to fit with the speed of sound free. */
static int consensus(const es_event *ev)
{
    return 3 * ev->n_used >= 2 * (ev->n_used + ev->n_rejected);
}

/* The used sensors' onset frames, in ev->used order. */
static void used_onsets(const es_onset_group *g, const es_event *ev, int64_t *frame)
{
    for (size_t k = 0; k < ev->n_used; k++) {
        frame[k] = INT64_MIN;
        for (size_t i = 0; i < g->n; i++)
            if (g->onset[i]->sensor == ev->used[k])
                frame[k] = g->onset[i]->frame;
    }
}

/* What the located event sounded like: the blast, and what followed it so
 * far. */
void es_pl_describe(es_pipeline p, const es_onset_group *g, es_event *ev, int64_t *onset)
{
    es_featurizer_blast(p->feat, g, &p->atm, ev);
    used_onsets(g, ev, onset);
    ev->features.crack_lead_s = es_pl_crack_lead_s(p, ev, onset);
    es_featurizer_tail(p->feat, p->history, onset, ev);
}

es_pipeline_output *es_pl_output(es_pipeline p, const es_event *ev, int is_alert)
{
    es_pipeline_output *o = &p->out[p->n_out++];
    memset(o, 0, sizeof *o);
    o->event = *ev;
    o->is_alert = is_alert;
    return o;
}

/* Locates group g into ev; 0 when it makes no event. */
static int locate(es_pipeline p, const es_onset_group *g, es_event *ev, int64_t *predicted)
{
    memset(ev, 0, sizeof *ev);
    return g->n >= p->min_sensors &&
           es_localizer_execute(p->loc, g, &p->atm, ev, predicted) == ES_OK &&
           ev->n_used >= p->min_sensors && consensus(ev);
}

static void publish_new(es_pipeline p, es_event *ev, const int64_t *onset, uint32_t early_id)
{
    ev->id = p->next_id++;
    ev->revision = 0;
    int alert = ev->kind == ES_KIND_LAUNCH;
    p->stats.events++;
    p->stats.alerts += (uint64_t)alert;
    (void)es_pl_output(p, ev, alert);
    if (es_pl_await(p, ev, onset, alert, early_id) == NULL)
        p->stats.revisions_skipped++;
}

/* A launch heard after a published event that was its crack (see
 * pipeline_crack.c) becomes that event's revision: judged again with the
 * crack as evidence. 1 when so. */
static int take_over_crack(es_pipeline p, es_event *ev, const int64_t *onset, uint32_t early_id)
{
    double lead_s;
    struct es_pending *q = ev->kind == ES_KIND_LAUNCH ? es_pl_cracked(p, ev, onset, &lead_s) : NULL;
    if (q == NULL)
        return 0;
    ev->features.crack_lead_s = lead_s;
    es_classifier_execute(p->cls, ev);
    es_pl_replace(p, q, ev, onset, early_id);
    return 1;
}

/* A provisional group (the wavefront still crossing the array): located
 * and published at once if it makes an event; its onsets stay with the
 * associator, whose final group will refine it. Not published if it
 * could not be followed up (the table is full): the final group will. */
static void locate_early(es_pipeline p, const es_onset_group *g)
{
    es_event ev;
    int64_t predicted[ES_MAX_SENSORS], onset[ES_MAX_SENSORS];
    if (!es_pl_room(p) || !locate(p, g, &ev, predicted))
        return;
    es_pl_describe(p, g, &ev, onset);
    es_classifier_execute(p->cls, &ev);
    p->stats.early++;
    if (!take_over_crack(p, &ev, onset, g->early_id))
        publish_new(p, &ev, onset, g->early_id);
}

static void locate_group(es_pipeline p, const es_onset_group *g)
{
    if (g->provisional) {
        locate_early(p, g);
        return;
    }
    p->stats.groups++;
    if (g->early_id != 0 && es_pl_crack_final(p, g->early_id))
        return; /* a crack's whole wavefront, its event the blast's now */
    struct es_pending *early = g->early_id != 0 ? es_pl_awaiting_final(p, g->early_id) : NULL;
    es_event ev;
    int64_t predicted[ES_MAX_SENSORS], onset[ES_MAX_SENSORS];
    if (!locate(p, g, &ev, predicted)) {
        if (early != NULL) {
            early->early_id = 0; /* the early fix stands for these onsets */
            return;
        }
        p->stats.unlocated++;
        if (!heard_clearly_by_most(p, g)) {
            requeue_without_seed(p, g);
        } else if (es_associator_misfit_s(p->assoc, g) <= CRACK_MAX_MISFIT_S) {
            es_pl_remember_crack(p, g); /* one wavefront, no point: a crack */
        } else {
            requeue_without_seed(p, g); /* two sources' onsets, mixed */
        }
        return;
    }
    es_pl_describe(p, g, &ev, onset);
    es_classifier_execute(p->cls, &ev);
    track_rejections(p, &ev);
    /* The members are consumed already; expect the rest of the wavefront. */
    for (size_t k = 0; k < g->n; k++)
        predicted[g->onset[k]->sensor] = INT64_MIN;
    int64_t tol = (int64_t)(ABSORB_TOLERANCE_S * p->site.sample_rate_hz);
    es_associator_expect(p->assoc, predicted, p->site.n_sensors, tol);
    requeue_rejected(p, g, &ev);
    if (isfinite(ev.features.crack_lead_s))
        es_pl_forget_crack(p); /* one crack, one blast: its whole wavefront took it */
    if (early != NULL)
        es_pl_refine(p, early, &ev, onset);
    else if (!take_over_crack(p, &ev, onset, 0))
        publish_new(p, &ev, onset, 0);
}

static void associate(es_pipeline p)
{
    int64_t complete = p->stats.frames - p->detector_delay_frames;
    es_onset_group g;
    while (p->n_out < MAX_OUTPUTS && es_associator_poll(p->assoc, complete, &g) == 1)
        locate_group(p, &g);
}

/* A NaN or infinity (a corrupt float file, a broken driver) would poison
 * the filters' state for good: such samples become silence, counted. */
static const float *sanitise(es_pipeline p, const float *x, size_t frames)
{
    size_t n = frames * (size_t)p->channels;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i])) {
            p->clean[i] = x[i];
        } else {
            p->clean[i] = 0.0f;
            p->stats.bad_samples++;
        }
    }
    return p->clean;
}

int es_pipeline_execute(es_pipeline p, const float *interleaved, size_t frames)
{
    if (frames > p->max_block_frames || (frames > 0 && interleaved == NULL))
        return ES_EINVAL;
    p->n_out = 0;
    analyse_sensors(p, sanitise(p, interleaved, frames), frames);
    p->stats.frames += (int64_t)frames;
    associate(p);
    es_pl_revise_due(p, p->stats.frames, 0);
    return (int)p->n_out;
}

void es_pipeline_skip_to(es_pipeline p, int64_t frame)
{
    if (frame <= p->stats.frames)
        return;
    es_condition_reset(p->band);
    if (p->upper != NULL)
        es_condition_reset(p->upper);
    for (size_t i = 0; i < p->site.n_sensors; i++)
        es_detector_restart(p->det[i], frame);
    p->stats.frames_lost += (uint64_t)(frame - p->stats.frames);
    p->stats.frames = frame;
}

int es_pipeline_finish(es_pipeline p)
{
    p->n_out = 0;
    for (size_t i = 0; i < p->site.n_sensors; i++)
        push_onsets(p, es_detector_flush(p->det[i], p->onsets, ONSETS_PER_CALL));
    es_associator_drain(p->assoc);
    associate(p);
    es_pl_revise_due(p, p->stats.frames, 1);
    return (int)p->n_out;
}

const es_pipeline_output *es_pipeline_output_at(es_pipeline p, size_t i)
{
    return i < p->n_out ? &p->out[i] : NULL;
}

void es_pipeline_health(es_pipeline p, es_heartbeat *hb)
{
    hb->n_sensors = p->site.n_sensors;
    for (size_t i = 0; i < p->site.n_sensors; i++) {
        memcpy(hb->sensors[i].id, p->site.sensors[i].id, sizeof hb->sensors[i].id);
        es_health_snapshot_take(p->health[i], &hb->sensors[i].health);
        hb->sensors[i].rejected_recent = recent_rejections(p, i);
        hb->sensors[i].suspect = hb->sensors[i].rejected_recent >= SUSPECT_REJECTIONS;
    }
    hb->atmosphere = p->atm;
    hb->stream_time_s = (double)p->stats.frames / (double)p->site.sample_rate_hz;
}

void es_pipeline_set_atmosphere(es_pipeline p, const es_atmosphere_config *atm)
{
    p->atm = *atm;
}

void es_pipeline_stats_get(es_pipeline p, es_pipeline_stats *out)
{
    *out = p->stats;
    out->onsets_dropped = es_associator_dropped(p->assoc);
    out->onsets_absorbed = es_associator_absorbed(p->assoc);
}

void es_pipeline_destroy(es_pipeline *pp)
{
    if (pp == NULL || *pp == NULL)
        return;
    es_pipeline p = *pp;
    for (size_t i = 0; i < ES_MAX_SENSORS; i++) {
        es_health_destroy(&p->health[i]);
        es_detector_destroy(&p->det[i]);
    }
    es_condition_destroy(&p->band);
    es_condition_destroy(&p->upper);
    es_associator_destroy(&p->assoc);
    es_localizer_destroy(&p->loc);
    es_classifier_destroy(&p->cls);
    es_history_destroy(&p->history);
    es_featurizer_destroy(&p->feat);
    free(p->conditioned);
    free(p->upper_band);
    free(p->clean);
    free(p);
    *pp = NULL;
}
