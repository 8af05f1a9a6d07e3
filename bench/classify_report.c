/* The classification benchmark's tables and target verdicts. */
#include <math.h>

#include "classify.h"

static const char *const kind_rows[N_KINDS] = {"launch", "impact", "unknown", "(none)"};
static const char *const class_rows[N_CLASSES] = {"mortar", "rocket", "artillery", "unknown",
                                                  "(none)"};
/* Lower edges of the bins of alerts by confidence and of judged events by
 * P(launch). */
static const double bin_lo[CLS_N_BINS] = {0.0, 0.5, 0.7, 0.8, 0.9};
static const double p_lo[CLS_N_P_BINS] = {0.0, 0.01, 0.1, 0.5, 0.9, 0.99};

/* The bin of x among bins with these lower edges (the first takes all below). */
static int bin_of(const double *lo, int n_bins, double x)
{
    int b = 0;
    while (b + 1 < n_bins && x >= lo[b + 1])
        b++;
    return b;
}

int cls_bin(double confidence)
{
    return bin_of(bin_lo, CLS_N_BINS, confidence);
}

int cls_p_bin(double p)
{
    return bin_of(p_lo, CLS_N_P_BINS, p);
}

static double ratio(size_t num, size_t den)
{
    return den > 0 ? (double)num / (double)den : NAN;
}

static void kind_matrix(const cls_tally *t, FILE *to)
{
    fprintf(to, "Kind (rows: truth, columns: the engine's alert or event for it)\n\n");
    fprintf(to, "| truth \\ engine |");
    for (int c = 0; c < N_KINDS; c++)
        fprintf(to, " %s |", kind_rows[c]);
    fprintf(to, "\n|---|--:|--:|--:|--:|\n");
    for (int r = 0; r < N_KINDS - 1; r++) {
        fprintf(to, "| %s |", kind_rows[r]);
        for (int c = 0; c < N_KINDS; c++)
            fprintf(to, " %zu |", t->kind[r][c]);
        fprintf(to, "\n");
    }
}

static void class_matrix(const cls_tally *t, FILE *to)
{
    fprintf(to, "\nClass of launches (rows: truth)\n\n| truth \\ engine |");
    for (int c = 0; c < N_CLASSES; c++)
        fprintf(to, " %s |", class_rows[c]);
    fprintf(to, "\n|---|--:|--:|--:|--:|--:|\n");
    for (int r = 0; r < 3; r++) {
        fprintf(to, "| %s |", class_rows[r]);
        for (int c = 0; c < N_CLASSES; c++)
            fprintf(to, " %zu |", t->cls[r][c]);
        fprintf(to, "\n");
    }
}

static void confusers(const cls_tally *t, FILE *to)
{
    fprintf(to, "\nConfusers\n\n| confuser | N | alerted | alerted fraction |\n|---|--:|--:|--:|\n");
    for (int k = 0; k < CLS_N_CONFUSERS; k++)
        fprintf(to, "| %s | %zu | %zu | %.3f |\n", cls_confuser_names[k], t->confuser_n[k],
                t->confuser_alerted[k], ratio(t->confuser_alerted[k], t->confuser_n[k]));
    fprintf(to, "| shell crack (artillery, launch scenes) | %zu | %zu | %.3f |\n", t->cracks,
            t->cracks_alerted, ratio(t->cracks_alerted, t->cracks));
}

/* One row per bin: its range (edges with `digits` decimals), how many,
 * how many of them real launches, and the fraction. */
static void bin_rows(FILE *to, const double *lo, int n_bins, int digits, const size_t *n,
                     const size_t *real)
{
    for (int b = 0; b < n_bins; b++)
        fprintf(to, "| %.*f-%.*f | %zu | %zu | %.3f |\n", digits, lo[b], digits,
                b + 1 < n_bins ? lo[b + 1] : 1.0, n[b], real[b], ratio(real[b], n[b]));
}

static void reliability(const cls_tally *t, FILE *to)
{
    fprintf(to, "\nConfidence reliability (alerts by reported confidence; calibrated: the "
                "fraction real sits inside its bin)\n\n| confidence | alerts | real launches |"
                " fraction real |\n|---|--:|--:|--:|\n");
    bin_rows(to, bin_lo, CLS_N_BINS, 1, t->bin_n, t->bin_real);
    fprintf(to, "\nEvery event the model judged (beyond the launch range), by the probability of "
                "a launch its last message gives\n\n| P(launch) | events | real launches | "
                "fraction real |\n|---|--:|--:|--:|\n");
    bin_rows(to, p_lo, CLS_N_P_BINS, 2, t->p_n, t->p_real);
}

static size_t class_correct(const cls_tally *t)
{
    return t->cls[0][C_MORTAR] + t->cls[1][C_ROCKET] + t->cls[2][C_ARTILLERY];
}

static int verdict(FILE *to, int pass, const char *text, double value)
{
    fprintf(to, "- %s %s: %.4g\n", isnan(value) ? "SKIP" : pass ? "PASS" : "FAIL", text, value);
    return !isnan(value) && pass;
}

static void targets(const cls_tally *t, FILE *to)
{
    double recall = ratio(t->launches_alerted, t->launches);
    double precision = ratio(t->alerts_real, t->alerts);
    double accuracy = ratio(class_correct(t), t->launches_alerted);
    double per_day = t->confuser_audio_s > 0.0
                         ? (double)t->confuser_false_alerts * 86400.0 / t->confuser_audio_s
                         : NAN;
    fprintf(to, "\nreal launches alerted by their first message %zu, by a revision (the tail heard) "
                "%zu\n", t->alerts_real_first, t->alerts_real - t->alerts_real_first);
    fprintf(to, "\nlaunches %zu, alerted %zu; alerts %zu, of real launches %zu; false alerts in "
                "%.2f h of confuser audio: %zu; real recordings: %zu files, %zu alerts; scenes "
                "scored %zu, failed %zu\n\n", t->launches, t->launches_alerted, t->alerts,
            t->alerts_real, t->confuser_audio_s / 3600.0, t->confuser_false_alerts, t->real_files,
            t->real_alerts, t->scenes_ok, t->scenes_failed);
    int pass = verdict(to, recall >= 0.98, "launch recall >= 0.98", recall);
    pass += verdict(to, precision >= 0.99, "launch precision >= 0.99", precision);
    pass += verdict(to, accuracy >= 0.9, "class accuracy >= 0.9 (alerted launches)", accuracy);
    pass += verdict(to, per_day <= 1.0, "false alerts <= 1 per 24 h of confuser audio", per_day);
    pass += verdict(to, t->real_alerts == 0, "real recordings raise no alert (alerts)",
                    t->real_files > 0 ? (double)t->real_alerts : NAN);
    fprintf(to, "\ntargets: %d of 5 pass\n", pass);
}

void cls_report(const cls_tally *t, FILE *to)
{
    fprintf(to, "\n");
    kind_matrix(t, to);
    class_matrix(t, to);
    confusers(t, to);
    reliability(t, to);
    targets(t, to);
}
