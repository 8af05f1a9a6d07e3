/* The first, documented launch rule (see include/earshot/classify.h). */
#include "earshot/classify.h"

#include <math.h>
#include <stdlib.h>

struct es_classifier_s {
    es_classifier_config cfg;
};

es_classifier es_classifier_create(const es_classifier_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->n_sensors == 0 || cfg->n_sensors > ES_MAX_SENSORS ||
        !(cfg->camp_radius_m >= 0.0) || !(cfg->launch_min_range_m >= 0.0) ||
        !isfinite(cfg->full_scale_db_spl)) {
        es_error_set(err, ES_EINVAL, "classifier: invalid config");
        return NULL;
    }
    es_classifier c = calloc(1, sizeof *c);
    if (c == NULL) {
        es_error_set(err, ES_ENOMEM, "classifier: out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    if (c->cfg.launch_min_range_m == 0.0)
        c->cfg.launch_min_range_m = fmax(1.25 * cfg->camp_radius_m, 300.0);
    if (c->cfg.impact_min_level_db == 0.0)
        c->cfg.impact_min_level_db = 150.0;
    return c;
}

/* Level at 1 m from the source, from the peak at the used sensor nearest
 * the solved position with spherical spreading undone. Absorption and the
 * band-pass are neglected, so this underestimates a distant source. */
static double source_level_db(const es_classifier_config *cfg, const es_onset_group *g,
                              const es_event *ev)
{
    double best_d = INFINITY, level = -INFINITY;
    for (size_t i = 0; i < g->n; i++) {
        const es_onset *o = g->onset[i];
        int used = 0;
        for (size_t k = 0; k < ev->n_used; k++)
            used |= ev->used[k] == o->sensor;
        if (!used || o->sensor >= cfg->n_sensors)
            continue;
        const double *p = cfg->sensor_m[o->sensor];
        double d = hypot(hypot(ev->e_m - p[0], ev->n_m - p[1]), ev->u_m - p[2]);
        if (d < best_d) {
            best_d = d;
            level = (double)o->peak_dbfs + cfg->full_scale_db_spl + 20.0 * log10(fmax(d, 1.0));
        }
    }
    return level;
}

void es_classifier_execute(es_classifier c, const es_onset_group *g, es_event *ev)
{
    const es_classifier_config *cfg = &c->cfg;
    ev->source_level_db = source_level_db(cfg, g, ev);
    double agree = (double)ev->n_used / (double)cfg->n_sensors;
    double fit = exp(-fmax(ev->residual_rms_s, 0.0) / 0.002);
    ev->cls = ES_CLASS_UNKNOWN;
    if (ev->range_m >= cfg->launch_min_range_m) {
        ev->kind = ES_KIND_LAUNCH;
        ev->confidence = 0.3 + 0.65 * agree * fit;
    } else if (ev->source_level_db >= cfg->impact_min_level_db) {
        ev->kind = ES_KIND_IMPACT;
        ev->confidence = 0.3 + 0.6 * agree * fit;
    } else {
        ev->kind = ES_KIND_UNKNOWN;
        ev->confidence = 0.5;
    }
}

double es_classifier_launch_min_range_m(es_classifier c)
{
    return c->cfg.launch_min_range_m;
}

void es_classifier_destroy(es_classifier *c)
{
    if (c == NULL || *c == NULL)
        return;
    free(*c);
    *c = NULL;
}
