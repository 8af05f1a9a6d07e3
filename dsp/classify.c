/* Kind, class and confidence of a located event (see
 * include/earshot/classify.h). */
#include "earshot/classify.h"

#include <math.h>
#include <stdlib.h>

#include "classify_model.h"

/* A class is named when it holds this share of the launch probability;
 * below it the launch is alerted with class "unknown". */
#define CLASS_MIN_SHARE 0.6
/* Until some sensor has heard FULL_TAIL_S after its onset, a launch needs
 * FIRST_LOOK_MIN_P: thunder's first clap and a launch's blast sound alike
 * and the rumble that tells them apart takes a second or two to come; a
 * launch judged below it is alerted by the revision that hears its tail,
 * a moment later, rather than a storm sounding the siren now. */
#define FULL_TAIL_S 1.5
#define FIRST_LOOK_MIN_P 0.8
/* A wavefront that swept the array this many sigmas faster (or slower)
 * than the configured air allows came from no point on the ground: a
 * shell's supersonic crack, a source high above. No launch, whatever the
 * model (which never saw one: no launch in training went past 4). */
#define MAX_SPEED_Z 6.0

struct es_classifier_s {
    es_classifier_config cfg;
    es_class_model blast, full;
};

es_classifier es_classifier_create(const es_classifier_config *cfg, es_error *err)
{
    if (cfg == NULL || !(cfg->camp_radius_m >= 0.0) || !(cfg->launch_min_range_m >= 0.0) ||
        !(cfg->impact_min_level_db >= 0.0)) {
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
        c->cfg.impact_min_level_db = 175.0;
    c->blast = (es_class_model){ES_IN_BLAST_N, es_model_blast_mean, es_model_blast_scale,
                                es_model_blast_w};
    c->full = (es_class_model){ES_IN_N, es_model_full_mean, es_model_full_scale,
                               es_model_full_w};
    return c;
}

/* Inside the launch range: a detonation's level is an impact. Small arms
 * and engine bangs peak at 140-166 dB at 1 m, a shell's high explosive
 * (0.2-10 kg TNT) at 180-200 dB: 175 dB lies between with room on both
 * sides for the level's estimate (spreading and absorption undone). */
static void classify_near(const es_classifier_config *cfg, es_event *ev)
{
    double level = ev->source_level_db;
    ev->cls = ES_CLASS_UNKNOWN;
    if (isfinite(level) && level >= cfg->impact_min_level_db) {
        ev->kind = ES_KIND_IMPACT;
        /* 10 dB over the threshold is beyond doubt. */
        ev->confidence = fmin(0.99, 0.5 + 0.05 * (level - cfg->impact_min_level_db));
    } else {
        ev->kind = ES_KIND_UNKNOWN;
        ev->confidence = 0.5;
    }
}

static void classify_far(const struct es_classifier_s *c, es_event *ev)
{
    if (isfinite(ev->features.speed_z) && fabs(ev->features.speed_z) >= MAX_SPEED_Z) {
        ev->kind = ES_KIND_UNKNOWN;
        ev->cls = ES_CLASS_UNKNOWN;
        ev->confidence = 0.9;
        return;
    }
    double x[ES_IN_N], p[ES_MC_N];
    int tail = es_class_inputs(ev, x);
    es_class_model_eval(tail ? &c->full : &c->blast, x, p);
    double launch = p[ES_MC_MORTAR] + p[ES_MC_ROCKET] + p[ES_MC_ARTILLERY];
    int heard = isfinite(ev->features.tail_s) && ev->features.tail_s >= FULL_TAIL_S;
    ev->cls = ES_CLASS_UNKNOWN;
    if (launch >= (heard ? 0.5 : FIRST_LOOK_MIN_P)) {
        ev->kind = ES_KIND_LAUNCH;
        ev->confidence = launch;
        static const es_class names[3] = {ES_CLASS_MORTAR, ES_CLASS_ROCKET, ES_CLASS_ARTILLERY};
        /* A crack came first: the projectile flew faster than sound, no
         * mortar bomb does; the class is shared by rocket and artillery. */
        int cracked = ev->features.crack_lead_s > 0.0; /* NaN or 0: none */
        double share = cracked ? p[ES_MC_ROCKET] + p[ES_MC_ARTILLERY] : launch;
        for (int k = cracked ? 1 : 0; k < 3; k++)
            if (p[k] >= CLASS_MIN_SHARE * share)
                ev->cls = names[k];
    } else {
        ev->kind = ES_KIND_UNKNOWN;
        ev->confidence = 1.0 - launch;
    }
}

void es_classifier_execute(es_classifier c, es_event *ev)
{
    ev->source_level_db = ev->features.peak_level_db;
    if (ev->range_m >= c->cfg.launch_min_range_m)
        classify_far(c, ev);
    else
        classify_near(&c->cfg, ev);
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
