/* The classifier's rules, which hold whatever the trained model says:
 *  - nearer the origin than the launch range, a source is an impact when
 *    its peak at 1 m is a detonation's (175 dB or more) and unknown below
 *    (a gunshot's 160 dB), never a launch;
 *  - beyond it, a wavefront that swept the array 6 sigmas faster than the
 *    configured air (a shell's supersonic crack) is never a launch, even
 *    when every other feature is a mortar's;
 *  - the launch range defaults to max(1.25 x the camp's radius, 300 m). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "earshot/classify.h"

/* A mortar blast at 3 km as the simulator's mortars measure (medians of
 * the classification benchmark's): loud, 2.5 ms, coherent, quiet after. */
static es_event mortar_like(double range_m)
{
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.range_m = range_m;
    ev.residual_rms_s = 1e-5;
    ev.gcc_peak_median = 0.999;
    es_features *f = &ev.features;
    f->level_db = 159.0;
    f->peak_level_db = 185.0;
    f->centroid_hz = 240.0;
    f->pulse_ms = 2.5;
    f->pre_rise_db = 0.0;
    f->speed_z = 0.05;
    f->tail_s = 2.0;
    f->tail_db = -45.0;
    f->tail_snr_db = 3.0;
    f->late_snr_db = 0.1;
    f->tail_crest_db = 5.0;
    f->tail_coherence = 0.3;
    return ev;
}

int main(void)
{
    es_classifier_config cfg = {.camp_radius_m = 400.0};
    es_error err = {{0}};
    es_classifier c = es_classifier_create(&cfg, &err);
    CHECK(c != NULL, "create: %s", err.msg);
    if (c == NULL)
        return check_report("test_classify");
    CHECK_NEAR(es_classifier_launch_min_range_m(c), 500.0, 1e-9, "launch range 1.25 x 400 m");

    es_event ev = mortar_like(3000.0);
    es_classifier_execute(c, &ev);
    CHECK(ev.kind == ES_KIND_LAUNCH && ev.cls == ES_CLASS_MORTAR,
          "a mortar's features at 3 km: kind %d class %d", (int)ev.kind, (int)ev.cls);
    CHECK(ev.confidence >= 0.5 && ev.confidence <= 1.0, "confidence %.3f", ev.confidence);

    ev = mortar_like(3000.0);
    ev.features.speed_z = 47.0;   /* e2e_4's crack: 404 m/s in 347 m/s air */
    es_classifier_execute(c, &ev);
    CHECK(ev.kind == ES_KIND_UNKNOWN && ev.cls == ES_CLASS_UNKNOWN,
          "a supersonic wavefront is no launch: kind %d", (int)ev.kind);

    /* The same blast after a crack 0.35 s ahead: the projectile outran
     * sound, which no mortar bomb does; still a launch, not a mortar. */
    ev = mortar_like(3000.0);
    ev.features.crack_lead_s = 0.35;
    es_classifier_execute(c, &ev);
    CHECK(ev.kind == ES_KIND_LAUNCH && ev.cls != ES_CLASS_MORTAR,
          "a crack rules the mortar out: kind %d class %d", (int)ev.kind, (int)ev.cls);
    ev = mortar_like(3000.0);
    ev.features.crack_lead_s = NAN;
    es_classifier_execute(c, &ev);
    CHECK(ev.cls == ES_CLASS_MORTAR, "no crack (NaN): mortar, class %d", (int)ev.cls);

    ev = mortar_like(200.0);
    ev.features.peak_level_db = 190.0;
    es_classifier_execute(c, &ev);
    CHECK(ev.kind == ES_KIND_IMPACT, "190 dB inside the camp: kind %d", (int)ev.kind);
    CHECK_NEAR(ev.source_level_db, 190.0, 1e-9, "source level published");

    ev = mortar_like(200.0);
    ev.features.peak_level_db = 160.0;
    es_classifier_execute(c, &ev);
    CHECK(ev.kind == ES_KIND_UNKNOWN, "a gunshot's 160 dB inside the camp: kind %d", (int)ev.kind);

    es_classifier_destroy(&c);
    CHECK(c == NULL, "destroy clears the pointer");
    es_classifier_config bad = {.camp_radius_m = -1.0};
    CHECK(es_classifier_create(&bad, NULL) == NULL, "negative camp radius refused");
    return check_report("test_classify");
}
