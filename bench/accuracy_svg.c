/* Pictures of the accuracy benchmark: one SVG per layout (written by hand,
 * no plotting dependency), accuracy_<layout>.svg.
 *
 * Sources lie 0.5-10 km out, arrays span 300-1000 m and errors run from a
 * metre to hundreds, so one linear map cannot show them. Three views:
 *  - all launches on a log-polar map (radius ~ log range, true bearing):
 *    true positions, estimates joined to them, misses;
 *  - the sensors of one representative scene (linear, metres), with the
 *    directions of its launches (and a zoom on one cluster for clusters);
 *  - one tile per launch (sorted by range), centred on the true position at
 *    its own scale: the estimate, the reported 1-sigma ellipse and CEP50
 *    circle around it, and the CEP50 of the Cramer-Rao bound around the
 *    truth; green background when the truth is inside the reported CEP50. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"

#define DEG (3.14159265358979323846 / 180.0)
#define WIDTH 1040
#define MAP_R 210.0          /* log-polar map radius, px */
#define TILE 96
#define TILE_COLS 10
#define LOG_R0_M 300.0       /* log-polar map centre */
#define LOG_R1_M 12000.0     /* and edge */

static double log_radius(double r_m)
{
    if (r_m <= LOG_R0_M)
        return 0.0;
    return MAP_R * log(r_m / LOG_R0_M) / log(LOG_R1_M / LOG_R0_M);
}

/* Screen position of (e, n) on the log-polar map centred at (cx, cy). */
static void log_polar(double e, double n, double cx, double cy, double *x, double *y)
{
    double r = log_radius(hypot(e, n)), b = atan2(e, n);
    *x = cx + r * sin(b);
    *y = cy - r * cos(b);
}

static void overview(FILE *f, const acc_launch *l, size_t n, acc_layout lay)
{
    const double cx = 250.0, cy = 300.0;
    static const double rings_km[] = {0.5, 1, 2, 4, 8, 10};
    fprintf(f, "<text x='40' y='62' class='h'>All launches (radius: log range)</text>\n");
    for (size_t k = 0; k < sizeof rings_km / sizeof *rings_km; k++) {
        double r = log_radius(rings_km[k] * 1000.0);
        int last = k + 1 == sizeof rings_km / sizeof *rings_km; /* labelled below */
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='%.1f' class='grid'/>"
                   "<text x='%.1f' y='%.1f' class='s'>%g km</text>\n",
                cx, cy, r, cx + 3, last ? cy + r + 12 : cy - r - 2, rings_km[k]);
    }
    fprintf(f, "<text x='%.0f' y='%.0f' class='s'>N</text><text x='%.0f' y='%.0f' class='s'>E</text>\n",
            cx - 3, cy - MAP_R - 6, cx + MAP_R + 4, cy + 4);
    for (size_t i = 0; i < n; i++) {
        if (l[i].layout != lay)
            continue;
        double tx, ty, ex, ey;
        log_polar(l[i].true_e_m, l[i].true_n_m, cx, cy, &tx, &ty);
        if (!l[i].detected) {
            fprintf(f, "<path d='M%.1f %.1fl6 6m0 -6l-6 6' class='miss'/>\n", tx - 3, ty - 3);
            continue;
        }
        log_polar(l[i].est_e_m, l[i].est_n_m, cx, cy, &ex, &ey);
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' class='err'/>"
                   "<circle cx='%.1f' cy='%.1f' r='2.2' class='est'/>"
                   "<path d='M%.1f %.1fh7m-3.5 -3.5v7' class='truth'/>\n",
                tx, ty, ex, ey, ex, ey, tx - 3.5, ty);
    }
}

/* The first scene of the layout among those run. */
static const acc_scene *representative(const acc_scene *scenes, const int *todo, int n_todo,
                                       acc_layout lay)
{
    for (int k = 0; k < n_todo; k++)
        if (scenes[todo[k]].layout == lay && !scenes[todo[k]].exact)
            return &scenes[todo[k]];
    for (int k = 0; k < n_todo; k++)
        if (scenes[todo[k]].layout == lay)
            return &scenes[todo[k]];
    return NULL;
}

/* 1-2-5 sequence at or above x, and at or below it. */
static double nice_up(double x)
{
    double p = pow(10.0, floor(log10(x)));
    return x <= p ? p : x <= 2 * p ? 2 * p : x <= 5 * p ? 5 * p : 10 * p;
}

static double nice_down(double x)
{
    double p = pow(10.0, floor(log10(x)));
    return x >= 5 * p ? 5 * p : x >= 2 * p ? 2 * p : p;
}

/* Zoom on the first cluster of a clusters scene: its microphones are
 * metres apart, invisible at the scale of the array. */
static void cluster_inset(FILE *f, const acc_scene *s, double zx, double zy)
{
    size_t per = s->n_sensors / 3;
    double me = 0.0, mn = 0.0;
    for (size_t i = 0; i < per; i++) {
        me += s->sensor_m[i][0] / (double)per;
        mn += s->sensor_m[i][1] / (double)per;
    }
    double zk = 50.0 / fmax(s->spacing_m, 0.5);
    fprintf(f, "<rect x='%.0f' y='%.0f' width='130' height='130' class='inset'/>"
               "<text x='%.0f' y='%.0f' class='s'>one cluster, %.1f m spacing</text>\n",
            zx - 65, zy - 65, zx - 62, zy + 60, s->spacing_m);
    for (size_t i = 0; i < per; i++)
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' class='sensor'/>\n",
                zx + (s->sensor_m[i][0] - me) * zk, zy - (s->sensor_m[i][1] - mn) * zk);
}

static void sensors_view(FILE *f, const acc_scene *s)
{
    const double cx = 750.0, cy = 300.0, half_px = 200.0;
    double far = 1.0;
    for (size_t i = 0; i < s->n_sensors; i++)
        far = fmax(far, fmax(fabs(s->sensor_m[i][0]), fabs(s->sensor_m[i][1])));
    double k = half_px / (far * 1.15), bar = nice_down(far / 2.0);
    fprintf(f, "<text x='540' y='62' class='h'>Scene %d: %zu sensors%s, launch directions</text>\n",
            s->index, s->n_sensors, s->exact ? " (exact config)" : "");
    fprintf(f, "<rect x='%.0f' y='%.0f' width='%.0f' height='%.0f' class='frame'/>\n",
            cx - half_px, cy - half_px, 2 * half_px, 2 * half_px);
    if (s->layout == ACC_CLUSTERS)
        cluster_inset(f, s, cx + half_px - 70, cy - half_px + 70);
    fprintf(f, "<path d='M%.0f %.0fh%.1f' class='bar'/><text x='%.0f' y='%.0f' class='s'>%g m</text>\n",
            cx - half_px + 10, cy + half_px - 10, bar * k, cx - half_px + 10, cy + half_px - 14, bar);
    fprintf(f, "<path d='M%.1f %.1fh8m-4 -4v8' class='camp'/>\n", cx - 4, cy);
    for (int j = 0; j < s->n_launches; j++) {
        double b = s->bearing_deg[j] * DEG, r = half_px * 0.97;
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' class='dir'/>"
                   "<text x='%.1f' y='%.1f' class='s'>%.1f km</text>\n",
                cx, cy, cx + r * sin(b), cy - r * cos(b), cx + 0.8 * r * sin(b) + 3,
                cy - 0.8 * r * cos(b), s->range_m[j] / 1000.0);
    }
    for (size_t i = 0; i < s->n_sensors; i++)
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' class='sensor'/>\n",
                cx + s->sensor_m[i][0] * k, cy - s->sensor_m[i][1] * k);
}

static int by_range(const void *a, const void *b)
{
    const acc_launch *x = *(const acc_launch *const *)a, *y = *(const acc_launch *const *)b;
    return (x->range_m > y->range_m) - (x->range_m < y->range_m);
}

static void tile(FILE *f, const acc_launch *l, double x0, double y0)
{
    double cx = x0 + TILE / 2.0, cy = y0 + TILE / 2.0;
    const char *bg = !l->detected ? "tmiss" : l->inside_cep50 ? "tin" : "tout";
    fprintf(f, "<rect x='%.0f' y='%.0f' width='%d' height='%d' class='%s'/>\n", x0, y0, TILE, TILE,
            bg);
    fprintf(f, "<text x='%.0f' y='%.0f' class='t'>#%d %.1f km %.0f&#176;</text>\n", x0 + 2,
            y0 + TILE + 10, l->scene, l->range_m / 1000.0, l->bearing_deg);
    if (!l->detected) {
        fprintf(f, "<text x='%.0f' y='%.0f' class='t'>missed</text>\n", cx - 16, cy + 3);
        return;
    }
    /* A line's estimate on the wrong side is shown against the mirror
     * image of the truth (the cross is then hollow: a circle). */
    double te = l->mirrored ? l->mirror_e_m : l->true_e_m, tn = l->mirrored ? l->mirror_n_m : l->true_n_m;
    double err_m = l->mirrored ? l->fold_position_err_m : l->position_err_m;
    double half = fmax(fmax(err_m, l->semi_major_m),
                       fmax(l->cep50_m, isfinite(l->crlb_cep50_m) ? l->crlb_cep50_m : 0.0));
    half = nice_up(fmax(1.15 * half, 1.0));
    double k = (TILE / 2.0 - 2.0) / half;
    double ex = cx + (l->est_e_m - te) * k, ey = cy - (l->est_n_m - tn) * k;
    fprintf(f, "<svg x='%.0f' y='%.0f' width='%d' height='%d' overflow='hidden'>"
               "<g transform='translate(%.1f %.1f)'>\n", x0, y0, TILE, TILE, -x0, -y0);
    if (isfinite(l->crlb_cep50_m))
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='%.2f' class='crlb'/>\n", cx, cy,
                l->crlb_cep50_m * k);
    if (isfinite(l->semi_major_m) && isfinite(l->semi_minor_m))
        fprintf(f, "<ellipse cx='%.1f' cy='%.1f' rx='%.2f' ry='%.2f' "
                   "transform='rotate(%.2f %.1f %.1f)' class='ell'/>\n",
                ex, ey, l->semi_major_m * k, l->semi_minor_m * k, l->orientation_deg - 90.0, ex,
                ey);
    if (isfinite(l->cep50_m))
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='%.2f' class='cep'/>\n", ex, ey, l->cep50_m * k);
    if (l->mirrored)
        fprintf(f, "<circle cx='%.1f' cy='%.1f' r='3.5' class='mirror'/>", cx, cy);
    else
        fprintf(f, "<path d='M%.1f %.1fh7m-3.5 -3.5v7' class='truth'/>", cx - 3.5, cy);
    fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2' class='est'/></g></svg>\n", ex, ey);
    fprintf(f, "<text x='%.0f' y='%.0f' class='t'>&#177;%g m%s</text>\n", x0 + 2, y0 + 9, half,
            l->mirrored ? " mirror" : "");
}

static void legend(FILE *f, double y)
{
    fprintf(f,
            "<g transform='translate(40 %.0f)'>"
            "<path d='M0 0h7m-3.5 -3.5v7' class='truth'/><text x='12' y='4' class='s'>true</text>"
            "<circle cx='52' cy='0' r='2.2' class='est'/><text x='60' y='4' class='s'>estimate</text>"
            "<ellipse cx='132' cy='0' rx='10' ry='4' class='ell'/>"
            "<text x='146' y='4' class='s'>reported 1-sigma ellipse</text>"
            "<circle cx='300' cy='0' r='6' class='cep'/>"
            "<text x='310' y='4' class='s'>reported CEP50 (on the estimate)</text>"
            "<circle cx='515' cy='0' r='6' class='crlb'/>"
            "<text x='525' y='4' class='s'>Cramer-Rao CEP50 (on the truth)</text>"
            "<rect x='0' y='12' width='10' height='10' class='tin'/>"
            "<text x='14' y='21' class='s'>truth inside the reported CEP50</text>"
            "<rect x='200' y='12' width='10' height='10' class='tout'/>"
            "<text x='214' y='21' class='s'>outside</text>"
            "<path d='M270 14l6 6m0 -6l-6 6' class='miss'/><text x='282' y='21' class='s'>missed</text>"
            "<circle cx='340' cy='17' r='3.5' class='mirror'/>"
            "<text x='348' y='21' class='s'>mirror image of the truth in a line array"
            " (the estimate is on the other side)</text></g>\n",
            y);
}

static const char style[] =
    "<style>text{font-family:sans-serif}.h{font-size:15px;font-weight:bold}.s{font-size:11px}"
    ".t{font-size:9px}.grid{fill:none;stroke:#bbb}.frame{fill:none;stroke:#999}"
    ".inset{fill:#fff;stroke:#999}.bar{stroke:#000;stroke-width:2}.camp{stroke:#888}"
    ".dir{stroke:#c60;stroke-dasharray:4 3}.sensor{fill:#06c}"
    ".err{stroke:#888;stroke-width:0.7}.est{fill:#06c}.truth{stroke:#000;stroke-width:1.4}"
    ".miss{stroke:#d00;stroke-width:2}.mirror{fill:none;stroke:#000;stroke-width:1.4}"
    ".ell{fill:none;stroke:#06c;stroke-width:1.2}"
    ".cep{fill:none;stroke:#e80;stroke-dasharray:3 2;stroke-width:1.2}"
    ".crlb{fill:none;stroke:#2a2;stroke-dasharray:1 2;stroke-width:1.4}"
    ".tin{fill:#eaf6ea;stroke:#ccc}.tout{fill:#fbeaea;stroke:#ccc}.tmiss{fill:#ddd;stroke:#d00}"
    "</style>\n";

static int write_layout(const char *path, const acc_launch *l, size_t n, const acc_scene *rep,
                        acc_layout lay)
{
    const acc_launch **mine = malloc((n ? n : 1) * sizeof *mine);
    if (mine == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (l[i].layout == lay)
            mine[m++] = &l[i];
    qsort(mine, m, sizeof *mine, by_range);
    size_t rows = (m + TILE_COLS - 1) / TILE_COLS;
    double tiles_y = 580.0, height = tiles_y + 30.0 + (double)rows * (TILE + 16) + 10.0;
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        free(mine);
        return -1;
    }
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%.0f' "
               "viewBox='0 0 %d %.0f'>\n%s<rect width='100%%' height='100%%' fill='#fff'/>\n",
            WIDTH, height, WIDTH, height, style);
    fprintf(f, "<text x='40' y='30' class='h'>Earshot accuracy benchmark: %s layout, %zu launches"
               "</text>\n", acc_layout_names[lay], m);
    overview(f, l, n, lay);
    if (rep != NULL)
        sensors_view(f, rep);
    legend(f, tiles_y - 40.0);
    fprintf(f, "<text x='40' y='%.0f' class='h'>Each launch, centred on its true position "
               "(half-width of the tile at its top left)</text>\n", tiles_y + 8.0);
    for (size_t i = 0; i < m; i++)
        tile(f, mine[i], 40.0 + (double)(i % TILE_COLS) * (TILE + 2),
             tiles_y + 20.0 + (double)(i / TILE_COLS) * (TILE + 16));
    fprintf(f, "</svg>\n");
    free(mine);
    return fclose(f) == 0 ? 0 : -1;
}

int acc_write_svgs(const char *dir, const acc_launch *l, size_t n, const acc_scene *scenes,
                   const int *todo, int n_todo, FILE *log)
{
    int rc = 0;
    for (int lay = 0; lay < ACC_N_LAYOUTS; lay++) {
        const acc_scene *rep = representative(scenes, todo, n_todo, (acc_layout)lay);
        if (rep == NULL)
            continue;
        char path[4200];
        snprintf(path, sizeof path, "%s/accuracy_%s.svg", dir, acc_layout_names[lay]);
        if (write_layout(path, l, n, rep, (acc_layout)lay) != 0) {
            fprintf(stderr, "bench_accuracy: cannot write %s\n", path);
            rc = -1;
        } else if (log != NULL) {
            fprintf(log, "picture: %s\n", path);
        }
    }
    return rc;
}
