/* Salvos (issue 5, section 3): two or three launches 0.5-3 s apart (origin
 * times) from different positions (ranges 1.5-6 km, bearings at least 20
 * deg apart), heard by a ring of 8 on 300 m; their wavefronts may reach the
 * array in any order and overlap. Over several seeds for each size.
 * Claims, against the simulator's truth: each launch alerted exactly once,
 * with its own position (bearing within 2 deg, range within 10 %), and no
 * other alert.
 * usage: test_robust_salvo WORK_DIR [SEEDS [FIRST_SEED]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust.h"

static const char *const types[] = {"mortar", "rocket", "artillery"};

typedef struct {
    size_t launches, once, within, false_alerts;
} counts;

static double angle_apart(double a, double b)
{
    double d = fabs(fmod(a - b + 540.0, 360.0) - 180.0);
    return d;
}

static json_t *scene(int size, int seed)
{
    rb_rng g = rb_rng_make((unsigned long long)seed, 4 + (unsigned long long)size);
    double t = 0.0, bearing[3], range[3], t_s[3];
    for (int i = 0; i < size; i++) {
        int ok;
        do {
            bearing[i] = rb_uniform(&g, 0.0, 360.0);
            ok = 1;
            for (int j = 0; j < i; j++)
                ok &= angle_apart(bearing[i], bearing[j]) >= 20.0;
        } while (!ok);
        range[i] = rb_uniform(&g, 1500.0, 6000.0);
        t_s[i] = t;
        t += rb_uniform(&g, 0.5, 3.0);
    }
    json_t *sc = rb_scene_ring("salvo", 8, 300.0, 1.5, 1.0);
    double c = rb_scene_c_mps(sc), last = 0.0;
    for (int i = 0; i < size; i++) {
        /* The salvo starts 2 s after the recording's first wavefront
         * could arrive: origin times stay as drawn. */
        double arrive = 2.0 + t_s[i] + range[i] / c;
        rb_add_launch(sc, types[(int)rb_uniform(&g, 0.0, 3.0) % 3], arrive, range[i],
                      bearing[i]);
        last = fmax(last, arrive);
    }
    json_object_set_new(sc, "duration_s", json_real(last + 4.0));
    return sc;
}

static void tally(counts *c, const rb_run *r)
{
    c->false_alerts += rb_false_alerts(r);
    for (size_t s = 0; s < r->n_sources; s++) {
        c->launches++;
        c->once += r->src[s].n_alerts == 1;
        rb_error e = rb_source_error(r, s);
        c->within += e.ok && fabs(e.bearing_err_deg) <= 2.0 && fabs(e.range_err_frac) <= 0.10;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s WORK_DIR [SEEDS [FIRST_SEED]]\n", argv[0]);
        return 2;
    }
    int seeds = argc >= 3 ? atoi(argv[2]) : 8, first = argc == 4 ? atoi(argv[3]) : 1;
    static rb_run r;
    for (int size = 2; size <= 3; size++) {
        counts c = {0, 0, 0, 0};
        char label[32];
        snprintf(label, sizeof label, "salvo of %d", size);
        for (int s = first; s < first + seeds; s++) {
            json_t *sc = scene(size, s);
            int st = rb_simulate_run(sc, 4000ULL + 100ULL * (unsigned long long)size +
                                             (unsigned long long)s,
                                     argv[1], size == 2 ? "salvo2" : "salvo3", 0, &r);
            json_decref(sc);
            RB_CHECK(st == 0, "%s seed %d: simulate and run", label, s);
            if (st != 0)
                continue;
            rb_print_launches(&r, label, (unsigned long long)s);
            tally(&c, &r);
        }
        printf("%s: %zu launches: %zu alerted exactly once, %zu within 2 deg and 10 %%; %zu "
               "other alerts\n", label, c.launches, c.once, c.within, c.false_alerts);
        RB_CHECK(c.once == c.launches, "%s: %zu of %zu launches alerted exactly once", label,
                 c.once, c.launches);
        RB_CHECK(c.within == c.launches, "%s: %zu of %zu launches located within 2 deg and "
                 "10 %%", label, c.within, c.launches);
        RB_CHECK(c.false_alerts == 0, "%s: %zu alerts of no launch", label, c.false_alerts);
    }
    return rb_report("test_robust_salvo");
}
