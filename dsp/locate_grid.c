/* Seeding for the locator: chi^2 (origin time eliminated in closed form) on
 * a polar grid around the array, whose best local minima start LM.
 *
 * Grid: 360 bearings (1 deg) and ranges log-spaced by a factor of about
 * 1.12 from 10 m to search_max_range_m (72 rings for 30 km), plus
 * the centre. At range r the grid spacing is ~0.12 r radially and ~0.017 r
 * across: the grid only has to land in LM's basin of convergence, which
 * spans many cells (TOA residuals vary smoothly with position), and up to
 * LOC_MAX_SEEDS local minima are refined so that a mirror image or a
 * shallow false minimum cannot capture the solve. */
#include <math.h>
#include <stdlib.h>

#include "locate_internal.h"
#include "propagation.h"

#define ES_PI 3.14159265358979323846
#define GRID_BEARINGS 360
#define GRID_MIN_RANGE_M 10.0
#define GRID_RANGE_RATIO 1.12

int loc_grid_init(es_locate loc)
{
    double span = log(loc->cfg.search_max_range_m / GRID_MIN_RANGE_M);
    loc->n_bearing = GRID_BEARINGS;
    loc->n_range = (size_t)ceil(span / log(GRID_RANGE_RATIO)) + 1;
    loc->bearing_sin = malloc(sizeof(double) * loc->n_bearing);
    loc->bearing_cos = malloc(sizeof(double) * loc->n_bearing);
    loc->range_m = malloc(sizeof(double) * loc->n_range);
    loc->grid_cost = malloc(sizeof(double) * loc->n_bearing * loc->n_range);
    if (!loc->bearing_sin || !loc->bearing_cos || !loc->range_m || !loc->grid_cost)
        return ES_ENOMEM;
    for (size_t i = 0; i < loc->n_bearing; i++) {
        double b = 2.0 * ES_PI * (double)i / (double)loc->n_bearing;
        loc->bearing_sin[i] = sin(b);
        loc->bearing_cos[i] = cos(b);
    }
    double step = span / (double)(loc->n_range - 1);
    for (size_t j = 0; j < loc->n_range; j++)
        loc->range_m[j] = GRID_MIN_RANGE_M * exp(step * (double)j);
    return ES_OK;
}

void loc_grid_free(es_locate loc)
{
    free(loc->bearing_sin);
    free(loc->bearing_cos);
    free(loc->range_m);
    free(loc->grid_cost);
}

/* The active measurements packed contiguously for the inner loop. */
typedef struct {
    size_t n;
    double e[ES_MAX_SENSORS], nn[ES_MAX_SENSORS], du[ES_MAX_SENSORS];
    double arr[ES_MAX_SENSORS], w[ES_MAX_SENSORS];
    double w_sum;
    double centre_e, centre_n;
} grid_pack;

static void pack_active(const loc_problem *pr, grid_pack *pk)
{
    pk->n = 0;
    pk->w_sum = 0.0;
    pk->centre_e = pk->centre_n = 0.0;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        size_t k = pk->n++;
        pk->e[k] = pr->pos_m[i][0];
        pk->nn[k] = pr->pos_m[i][1];
        pk->du[k] = pr->pos_m[i][2] - pr->src_u_m;
        pk->arr[k] = pr->arr_s[i];
        pk->w[k] = pr->w[i];
        pk->w_sum += pr->w[i];
        pk->centre_e += pr->pos_m[i][0];
        pk->centre_n += pr->pos_m[i][1];
    }
    pk->centre_e /= (double)pk->n;
    pk->centre_n /= (double)pk->n;
}

/* chi^2 at a source point with the origin time at its weighted optimum:
 * sum w x^2 - (sum w x)^2 / sum w, x = arrival - travel taken relative to
 * the first measurement's to avoid cancellation. */
static double point_cost(const loc_problem *pr, const grid_pack *pk, double src_e,
                         double src_n)
{
    double s1 = 0.0, s2 = 0.0, x0 = 0.0;
    for (size_t k = 0; k < pk->n; k++) {
        double t = es__travel_time_kernel(pk->e[k] - src_e, pk->nn[k] - src_n, pk->du[k],
                                          pr->wind_e, pr->wind_n, pr->a_coef, NULL);
        double x = pk->arr[k] - t;
        if (k == 0)
            x0 = x;
        x -= x0;
        s1 += pk->w[k] * x;
        s2 += pk->w[k] * x * x;
    }
    return s2 - s1 * s1 / pk->w_sum;
}

static double cell_cost(const es_locate loc, long bearing, long range)
{
    long nb = (long)loc->n_bearing;
    long b = ((bearing % nb) + nb) % nb;
    return loc->grid_cost[(size_t)b * loc->n_range + (size_t)range];
}

/* A cell no higher than its (up to) 8 neighbours; bearings wrap around. */
static int is_local_min(const es_locate loc, long b, long r)
{
    double c = cell_cost(loc, b, r);
    for (long db = -1; db <= 1; db++) {
        for (long dr = -1; dr <= 1; dr++) {
            long rr = r + dr;
            if ((db == 0 && dr == 0) || rr < 0 || rr >= (long)loc->n_range)
                continue;
            if (cell_cost(loc, b + db, rr) < c)
                return 0;
        }
    }
    return 1;
}

/* Keeps seeds[] sorted by cost, best first, at most LOC_MAX_SEEDS. */
static void offer_seed(loc_seed seeds[LOC_MAX_SEEDS], size_t *count, double e_m,
                       double n_m, double cost)
{
    size_t pos = *count;
    while (pos > 0 && seeds[pos - 1].cost > cost)
        pos--;
    if (pos >= LOC_MAX_SEEDS)
        return;
    size_t last = *count < LOC_MAX_SEEDS ? *count : LOC_MAX_SEEDS - 1;
    for (size_t k = last; k > pos; k--)
        seeds[k] = seeds[k - 1];
    seeds[pos].e_m = e_m;
    seeds[pos].n_m = n_m;
    seeds[pos].cost = cost;
    if (*count < LOC_MAX_SEEDS)
        (*count)++;
}

static void fill_grid(es_locate loc, const grid_pack *pk)
{
    for (size_t b = 0; b < loc->n_bearing; b++) {
        for (size_t r = 0; r < loc->n_range; r++) {
            double e = pk->centre_e + loc->range_m[r] * loc->bearing_sin[b];
            double n = pk->centre_n + loc->range_m[r] * loc->bearing_cos[b];
            loc->grid_cost[b * loc->n_range + r] = point_cost(&loc->prob, pk, e, n);
        }
    }
}

size_t loc_grid_seeds(es_locate loc, loc_seed seeds[LOC_MAX_SEEDS])
{
    grid_pack pk;
    pack_active(&loc->prob, &pk);
    fill_grid(loc, &pk);
    size_t count = 0;
    double centre_cost = point_cost(&loc->prob, &pk, pk.centre_e, pk.centre_n);
    offer_seed(seeds, &count, pk.centre_e, pk.centre_n, centre_cost);
    for (long b = 0; b < (long)loc->n_bearing; b++) {
        for (long r = 0; r < (long)loc->n_range; r++) {
            double c = cell_cost(loc, b, r);
            if ((count == LOC_MAX_SEEDS && c >= seeds[LOC_MAX_SEEDS - 1].cost) ||
                !is_local_min(loc, b, r))
                continue;
            offer_seed(seeds, &count, pk.centre_e + loc->range_m[r] * loc->bearing_sin[b],
                       pk.centre_n + loc->range_m[r] * loc->bearing_cos[b], c);
        }
    }
    for (size_t k = 0; k < count; k++)
        seeds[k].t0_s = loc_origin_time(&loc->prob, seeds[k].e_m, seeds[k].n_m);
    return count;
}
