/* earshot-train: reading the training rows from bench_classify's CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#define MAX_COLS 64
#define LINE_MAX_CHARS 8192

enum {
    COL_SCENE, COL_RADIUS, COL_SOURCE, COL_TYPE, COL_ID, COL_REVISION, COL_RANGE, COL_RESIDUAL,
    COL_COHERENCE, COL_LEVEL, COL_PEAK, COL_CENTROID, COL_PULSE, COL_TAIL_S, COL_TAIL,
    COL_TAIL_SNR, COL_LATE, COL_SPEED, COL_CREST, COL_TAIL_COH, COL_PRE_RISE, N_COLS
};
static const char *const col_names[N_COLS] = {
    "scene", "camp_radius_m", "source", "type", "id", "revision", "range_m", "residual_ms",
    "coherence", "level_db", "peak_level_db", "centroid_hz", "pulse_ms", "tail_s", "tail_db",
    "tail_snr_db", "late_snr_db", "speed_z", "tail_crest_db", "tail_coherence", "pre_rise_db"};

/* Splits line at commas in place (no quoting in these files). */
static int split(char *line, char **field)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < MAX_COLS; p++) {
        field[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p = '\0';
    }
    return n;
}

static double num(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return end != s ? v : NAN;
}

static int label_of(const char *type)
{
    if (strcmp(type, "thunder") == 0)
        return ES_MC_THUNDER;
    if (strcmp(type, "gunshot") == 0 || strcmp(type, "backfire") == 0)
        return ES_MC_SMALL;
    if (strcmp(type, "mortar") == 0)
        return ES_MC_MORTAR;
    if (strcmp(type, "rocket") == 0)
        return ES_MC_ROCKET;
    if (strcmp(type, "artillery") == 0)
        return ES_MC_ARTILLERY;
    return ES_MC_OTHER;
}

int tr_reserve(tr_set *s)
{
    if (s->x != NULL)
        return 0;
    s->x = calloc(TR_MAX_ROWS, sizeof *s->x);
    s->y = calloc(TR_MAX_ROWS, sizeof *s->y);
    s->tail = calloc(TR_MAX_ROWS, sizeof *s->tail);
    s->scene = calloc(TR_MAX_ROWS, sizeof *s->scene);
    s->source = calloc(TR_MAX_ROWS, sizeof *s->source);
    s->revision = calloc(TR_MAX_ROWS, sizeof *s->revision);
    return s->x && s->y && s->tail && s->scene && s->source && s->revision ? 0 : -1;
}

/* The event as the engine had it, from the published (rounded) fields. */
static void event_of(char **f, const int *col, es_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->range_m = num(f[col[COL_RANGE]]);
    ev->residual_rms_s = num(f[col[COL_RESIDUAL]]) * 1e-3;
    ev->gcc_peak_median = num(f[col[COL_COHERENCE]]);
    es_features *x = &ev->features;
    x->level_db = num(f[col[COL_LEVEL]]);
    x->peak_level_db = num(f[col[COL_PEAK]]);
    x->centroid_hz = num(f[col[COL_CENTROID]]);
    x->pulse_ms = num(f[col[COL_PULSE]]);
    x->tail_s = num(f[col[COL_TAIL_S]]);
    x->tail_db = num(f[col[COL_TAIL]]);
    x->tail_snr_db = num(f[col[COL_TAIL_SNR]]);
    x->late_snr_db = num(f[col[COL_LATE]]);
    x->speed_z = num(f[col[COL_SPEED]]);
    x->tail_crest_db = num(f[col[COL_CREST]]);
    x->tail_coherence = num(f[col[COL_TAIL_COH]]);
    x->pre_rise_db = num(f[col[COL_PRE_RISE]]);
}

static int find_columns(char *header, int *col, const char *path)
{
    char *f[MAX_COLS];
    int n = split(header, f);
    for (int c = 0; c < N_COLS; c++) {
        col[c] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(f[i], col_names[c]) == 0)
                col[c] = i;
        if (col[c] < 0) {
            fprintf(stderr, "earshot-train: %s: no column %s\n", path, col_names[c]);
            return -1;
        }
    }
    return n;
}

/* A field the model reads must be a number or empty (a value the engine
 * did not publish, as late_snr_db before the tail is heard). */
static int check_numbers(char **f, const int *col, const char *path, long line_no)
{
    for (int c = COL_RANGE; c < N_COLS; c++) {
        const char *v = f[col[c]];
        char *end;
        if (v[0] == '\0')
            continue;
        double x = strtod(v, &end);
        if (end == v || *end != '\0' || !isfinite(x)) {
            fprintf(stderr, "earshot-train: %s:%ld: %s is \"%s\", not a number\n", path, line_no,
                    col_names[c], v);
            return -1;
        }
    }
    return 0;
}

/* Reads one file's rows into s; -1 (with the reason on stderr) when the
 * file cannot be read, lacks a column, or holds a row that is not one of
 * the benchmark's. */
int tr_read_csv(const char *path, tr_set *s)
{
    FILE *in = fopen(path, "r");
    if (in == NULL || tr_reserve(s) != 0) {
        perror(path);
        if (in != NULL)
            fclose(in);
        return -1;
    }
    static char line[LINE_MAX_CHARS];
    int col[N_COLS], n_cols = -1, bad = 0;
    long line_no = 1;
    if (fgets(line, sizeof line, in) == NULL)
        fprintf(stderr, "earshot-train: %s: empty, no header\n", path);
    else
        n_cols = find_columns(line, col, path);
    while (n_cols > 0 && !bad && fgets(line, sizeof line, in) != NULL && s->n < TR_MAX_ROWS) {
        line_no++;
        char *f[MAX_COLS];
        if (strchr(line, '\n') == NULL && !feof(in)) {
            fprintf(stderr, "earshot-train: %s:%ld: line longer than %d characters\n", path,
                    line_no, LINE_MAX_CHARS - 2);
            bad = 1;
            break;
        }
        int n = split(line, f);
        if (n <= col[COL_ID] || (n == n_cols && f[col[COL_ID]][0] == '\0'))
            continue;   /* a source nothing matched: no event to learn from */
        if (n != n_cols) {
            fprintf(stderr, "earshot-train: %s:%ld: %d fields, the header has %d\n", path,
                    line_no, n, n_cols);
            bad = 1;
            break;
        }
        if (check_numbers(f, col, path, line_no) != 0) {
            bad = 1;
            break;
        }
        double radius = num(f[col[COL_RADIUS]]), range = num(f[col[COL_RANGE]]);
        if (!(range >= fmax(1.25 * radius, 300.0)))
            continue;   /* inside the launch range: never reaches the model */
        es_event ev;
        event_of(f, col, &ev);
        size_t r = s->n++;
        s->tail[r] = es_class_inputs(&ev, s->x[r]);
        s->y[r] = label_of(f[col[COL_TYPE]]);
        s->scene[r] = strtol(f[col[COL_SCENE]], NULL, 10);
        s->source[r] = strtol(f[col[COL_SOURCE]], NULL, 10);
        s->revision[r] = strtol(f[col[COL_REVISION]], NULL, 10);
    }
    fclose(in);
    return n_cols > 0 && !bad ? 0 : -1;
}

/* Row order: scene, source, revision, then the inputs (unmatched events
 * of one scene), so any order of the files' rows sorts the same. */
static const tr_set *sort_set;

static int row_cmp(const void *pa, const void *pb)
{
    const tr_set *s = sort_set;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (s->scene[a] != s->scene[b])
        return s->scene[a] < s->scene[b] ? -1 : 1;
    if (s->source[a] != s->source[b])
        return s->source[a] < s->source[b] ? -1 : 1;
    if (s->revision[a] != s->revision[b])
        return s->revision[a] < s->revision[b] ? -1 : 1;
    int c = memcmp(s->x[a], s->x[b], sizeof s->x[a]);
    return c != 0 ? c : (s->y[a] > s->y[b]) - (s->y[a] < s->y[b]);
}

static void take(const tr_set *from, size_t r, tr_set *to);

void tr_sort(tr_set *s)
{
    size_t *order = malloc(s->n * sizeof *order);
    tr_set copy = {0};
    if (order == NULL || tr_reserve(&copy) != 0) {
        fprintf(stderr, "earshot-train: out of memory sorting\n");
        exit(1);
    }
    for (size_t i = 0; i < s->n; i++)
        order[i] = i;
    sort_set = s;
    qsort(order, s->n, sizeof *order, row_cmp);
    for (size_t i = 0; i < s->n; i++)
        take(s, order[i], &copy);
    size_t n = s->n;
    s->n = 0;
    for (size_t i = 0; i < n; i++)
        take(&copy, i, s);
    free(order);
    free(copy.x);
    free(copy.y);
    free(copy.tail);
    free(copy.scene);
    free(copy.source);
    free(copy.revision);
}

static void take(const tr_set *from, size_t r, tr_set *to)
{
    size_t k = to->n++;
    memcpy(to->x[k], from->x[r], sizeof to->x[k]);
    to->y[k] = from->y[r];
    to->tail[k] = from->tail[r];
    to->scene[k] = from->scene[r];
    to->source[k] = from->source[r];
    to->revision[k] = from->revision[r];
}

void tr_split(const tr_set *all, tr_set *blast, tr_set *full)
{
    if (tr_reserve(blast) != 0 || tr_reserve(full) != 0)
        return;
    for (size_t r = 0; r < all->n; r++) {
        take(all, r, blast);
        if (all->tail[r])
            take(all, r, full);
    }
}
