/* Robustness to one bad sensor (issue 5, section 3): a ring of 8 on 300 m
 * hears six launches at 2-6 km (random bearings and types, reaching the
 * array 3 s apart) per seed; each seed is run clean and once with each
 * fault of the simulator (scenario sensor_faults) on one sensor (which one
 * changes with the seed):
 *   dead       the channel records only a -130 dBFS noise floor
 *   misplaced  the site config puts it 20 m off (random horizontal direction)
 *   clock      its samples are 5 ms late
 *   clipping   40 dB of extra gain: every blast clips at full scale
 * Claims, against the simulator's truth:
 *   - every launch alerted exactly once, nothing else alerted;
 *   - the faulty sensor is left out: dead, never in `sensors`; misplaced and
 *     clock, in `sensors_rejected` (or not associated at all) in most
 *     events and never used when its error would spoil the fix (its
 *     arrival off by more than 1 ms: the configured position's error along
 *     the path, or the clock);
 *   - the median position error with the fault is at most 1.5 x the clean
 *     one (same seeds: the same scenes and noise);
 *   - the last heartbeat marks the misplaced and the clock-offset sensor
 *     `suspect` (the published message: `ok: false` too), no sensor
 *     suspect in the clean runs; the dead sensor `dead`, the clipping one
 *     clipping.
 * usage: test_robust_faults WORK_DIR [SEEDS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust.h"

#define N_SENSORS 8
#define N_LAUNCHES 6
#define SPACING_S 3.0
#define SPOIL_S 1e-3
#define MAX_SEEDS 64

enum { F_CLEAN, F_DEAD, F_MISPLACED, F_CLOCK, F_CLIP, N_FAULTS };
static const char *const fault_names[N_FAULTS] = {"clean", "dead", "misplaced", "clock",
                                                  "clipping"};
static const char *const types[] = {"mortar", "rocket", "artillery"};

typedef struct {
    rb_tally t;
    size_t events, used, rejected, absent, spoiling_used, spoiling;
    int suspect_seeds, flagged_seeds;   /* suspect at the end; dead / clipping flagged */
    int clean_suspects;                 /* suspect sensors in clean runs */
} fault_stats;

static fault_stats stats[N_FAULTS];

static size_t faulty_sensor(int seed, int fault)
{
    return (size_t)(seed * 3 + fault * 2) % N_SENSORS;
}

static json_t *scene(int seed, int fault, double offset_m[3])
{
    json_t *sc = rb_scene_ring("faults", N_SENSORS, 300.0, 1.5, N_LAUNCHES * SPACING_S + 3.0);
    rb_rng g = rb_rng_make((unsigned long long)seed, 2);
    for (int i = 0; i < N_LAUNCHES; i++) {
        double range = rb_uniform(&g, 2000.0, 6000.0), bearing = rb_uniform(&g, 0.0, 360.0);
        rb_add_launch(sc, types[(int)rb_uniform(&g, 0.0, 3.0) % 3], 1.5 + SPACING_S * i, range,
                      bearing);
    }
    double a = rb_uniform(&g, 0.0, 360.0) * RB_DEG;
    offset_m[0] = 20.0 * sin(a);
    offset_m[1] = 20.0 * cos(a);
    offset_m[2] = 0.0;
    if (fault == F_CLEAN)
        return sc;
    char id[8];
    snprintf(id, sizeof id, "S%zu", faulty_sensor(seed, fault) + 1);
    json_t *f = json_pack("{s:s}", "sensor", id);
    if (fault == F_DEAD)
        json_object_set_new(f, "dead", json_true());
    else if (fault == F_MISPLACED)
        json_object_set_new(f, "config_offset_m",
                            json_pack("[f, f, f]", offset_m[0], offset_m[1], offset_m[2]));
    else if (fault == F_CLOCK)
        json_object_set_new(f, "clock_offset_s", json_real(0.005));
    else
        json_object_set_new(f, "gain_db", json_real(40.0));
    json_object_set_new(sc, "sensor_faults", json_pack("[o]", f));
    return sc;
}

/* How late (s) the faulty sensor's arrival looks to a solver that trusts
 * the config, for a source at src. */
static double fault_error_s(const rb_run *r, int fault, size_t k, const double src[3])
{
    if (fault == F_CLOCK)
        return 0.005;
    if (fault != F_MISPLACED)
        return 0.0;
    return rb_travel_s(r, src, r->config_m[k]) - rb_travel_s(r, src, r->true_m[k]);
}

/* An event that used the faulty sensor although its arrival was off. */
static void print_spoiled(const rb_run *r, const rb_event *e, size_t k, double err_s, int seed)
{
    const rb_source *s = &r->src[e->source];
    char rejected[256] = "";
    for (size_t i = 0; i < e->ev.n_rejected; i++) {
        size_t n = strlen(rejected);
        snprintf(rejected + n, sizeof rejected - n, " %s", r->ids[e->ev.rejected[i]]);
    }
    printf("  seed %d: %s used although its arrival is off by %+.2f ms: %s at %.0f m %.1f deg "
           "located at %.0f m %.1f deg, %zu used, rejected:%s, residual %.3f ms\n", seed,
           r->ids[k], 1e3 * err_s, s->type, s->range_m, s->bearing_deg, e->ev.range_m,
           e->ev.bearing_deg, e->ev.n_used, rejected[0] ? rejected : " none",
           1e3 * e->ev.residual_rms_s);
}

static void tally_sensor(fault_stats *fs, const rb_run *r, int fault, size_t k, int seed)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const rb_event *e = &r->ev[i];
        if (e->source < 0)
            continue;
        const rb_source *s = &r->src[e->source];
        double src[3] = {s->e_m, s->n_m, s->u_m};
        int used = rb_event_uses(&e->ev, k), rejected = rb_event_rejects(&e->ev, k);
        double err_s = fault_error_s(r, fault, k, src);
        int spoils = fabs(err_s) > SPOIL_S;
        if (spoils && used)
            print_spoiled(r, e, k, err_s, seed);
        fs->events++;
        fs->used += used;
        fs->rejected += rejected;
        fs->absent += !used && !rejected;
        fs->spoiling += spoils;
        fs->spoiling_used += spoils && used;
    }
}

static void tally_health(fault_stats *fs, const rb_run *r, int fault, size_t k)
{
    const es_sensor_health *h = &r->hb.sensors[k];
    fs->suspect_seeds += h->suspect;
    if (fault == F_DEAD)
        fs->flagged_seeds += h->health.dead;
    if (fault == F_CLIP)
        fs->flagged_seeds += h->health.clipped_samples > 0;
    if (fault == F_CLEAN)
        for (size_t j = 0; j < r->n_sensors; j++)
            fs->clean_suspects += r->hb.sensors[j].suspect;
}

/* The published heartbeat of seed 1: suspect and ok of every sensor. */
static void check_published(const rb_run *r, int fault, size_t k, const char *work)
{
    json_t *hb = rb_replay_last_heartbeat(r, work, fault_names[fault]);
    RB_CHECK(hb != NULL, "%s: replay and its last heartbeat", fault_names[fault]);
    const json_t *sensors = json_object_get(hb, "sensors");
    int healthy_not_ok = 0;
    for (size_t j = 0; hb != NULL && j < r->n_sensors; j++) {
        const json_t *s = json_array_get(sensors, j);
        int suspect = json_is_true(json_object_get(s, "suspect"));
        int ok = json_is_true(json_object_get(s, "ok"));
        if (j == k) {
            printf("%s: published heartbeat: %s suspect %s, ok %s, rejected_recent %lld\n",
                   fault_names[fault], r->ids[j], suspect ? "true" : "false",
                   ok ? "true" : "false",
                   (long long)json_integer_value(json_object_get(s, "rejected_recent")));
            RB_CHECK(suspect && !ok, "%s: the published heartbeat should mark %s suspect and "
                     "not ok", fault_names[fault], r->ids[j]);
        } else {
            RB_CHECK(!suspect, "%s: published heartbeat: healthy %s suspect",
                     fault_names[fault], r->ids[j]);
            healthy_not_ok += !ok;
        }
    }
    /* The last heartbeat of a replay may close an empty health window (the
     * file ends on a periodic snapshot): it must repeat the last verdict,
     * not call the healthy sensors dead. */
    RB_CHECK(hb == NULL || healthy_not_ok == 0, "%s: the last published heartbeat says %d "
             "healthy sensor(s) not ok", fault_names[fault], healthy_not_ok);
    json_decref(hb);
}

static void run_seed(int seed, int fault, const char *work)
{
    static rb_run r;
    fault_stats *fs = &stats[fault];
    size_t k = faulty_sensor(seed, fault);
    double offset[3];
    json_t *sc = scene(seed, fault, offset);
    int publish = seed == 1 && (fault == F_MISPLACED || fault == F_CLOCK);
    int st = rb_simulate_run(sc, 2000ULL + (unsigned long long)seed, work, fault_names[fault],
                             publish, &r);
    json_decref(sc);
    RB_CHECK(st == 0, "%s seed %d: simulate and run", fault_names[fault], seed);
    if (st != 0)
        return;
    char label[48];
    snprintf(label, sizeof label, "%s S%zu", fault_names[fault], k + 1);
    rb_print_launches(&r, label, (unsigned long long)seed);
    rb_tally_run(&fs->t, &r);
    if (fault != F_CLEAN)
        tally_sensor(fs, &r, fault, k, seed);
    tally_health(fs, &r, fault, k);
    if (publish)
        check_published(&r, fault, k, work);
}

static void report_fault(int fault, int seeds)
{
    fault_stats *fs = &stats[fault];
    const fault_stats *clean = &stats[F_CLEAN];
    const char *name = fault_names[fault];
    rb_tally_print(&fs->t, name);
    RB_CHECK(fs->t.alerted_once == fs->t.launches && fs->t.false_alerts == 0,
             "%s: %zu of %zu launches alerted exactly once, %zu false alerts", name,
             fs->t.alerted_once, fs->t.launches, fs->t.false_alerts);
    RB_CHECK(fs->t.gross == 0, "%s: %zu fixes off by more than 2 deg or "
             "10 %% in range", name, fs->t.gross);
    double med = rb_median(fs->t.position_m, fs->t.n);
    double med_clean = rb_median(clean->t.position_m, clean->t.n);
    if (fault == F_CLEAN) {
        RB_CHECK(fs->clean_suspects == 0, "clean: %d sensor(s) suspect at the end of a run",
                 fs->clean_suspects);
        return;
    }
    printf("%s: faulty sensor in %zu events: used %zu, rejected %zu, not associated %zu; its "
           "arrival off by > 1 ms in %zu, of which used %zu; suspect at the end in %d of %d "
           "seeds; median position error %.1f m (clean %.1f m, ratio %.2f)\n", name, fs->events,
           fs->used, fs->rejected, fs->absent, fs->spoiling, fs->spoiling_used,
           fs->suspect_seeds, seeds, med, med_clean, med / med_clean);
    RB_CHECK(med <= 1.5 * med_clean, "%s: median position error %.1f m, more than 1.5 x the "
             "clean %.1f m", name, med, med_clean);
    if (fault == F_DEAD) {
        RB_CHECK(fs->used == 0, "dead: used in %zu events", fs->used);
        RB_CHECK(fs->flagged_seeds == seeds, "dead: heartbeat `dead` in %d of %d seeds",
                 fs->flagged_seeds, seeds);
    } else if (fault == F_CLIP) {
        RB_CHECK(fs->flagged_seeds == seeds, "clipping: clipped samples counted in %d of %d "
                 "seeds", fs->flagged_seeds, seeds);
    } else {
        RB_CHECK(fs->spoiling_used == 0, "%s: used in %zu of the %zu events "
                 "its error (> 1 ms) would spoil", name, fs->spoiling_used, fs->spoiling);
        RB_CHECK(fs->rejected + fs->absent >= 0.8 * (double)fs->events, "%s: left out of only "
                 "%zu of %zu events", name, fs->rejected + fs->absent, fs->events);
        RB_CHECK(fs->suspect_seeds == seeds, "%s: suspect at the end of %d "
                 "of %d seeds", name, fs->suspect_seeds, seeds);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s WORK_DIR [SEEDS]\n", argv[0]);
        return 2;
    }
    int seeds = argc == 3 ? atoi(argv[2]) : 10;
    if (seeds < 1 || seeds > MAX_SEEDS)
        seeds = 10;
    for (int f = 0; f < N_FAULTS; f++)
        for (int s = 1; s <= seeds; s++)
            run_seed(s, f, argv[1]);
    for (int f = 0; f < N_FAULTS; f++)
        report_fault(f, seeds);
    return rb_report("test_robust_faults");
}
