/* Readable output of a score report (see score.h). */
#include <math.h>
#include <string.h>

#include "score.h"

static void print_source(const es_score_source *s, size_t i, FILE *to)
{
    fprintf(to, "%3zu %-9s %-7s %7.0f m %6.1f deg", i, s->type, s->kind, s->range_m,
            s->bearing_deg);
    if (s->n_alerts == 0 && s->n_events == 0) {
        fprintf(to, "   %s\n", strcmp(s->kind, "launch") == 0 ? "MISSED" : "not located");
        return;
    }
    fprintf(to, "   %-5s %-7s %-7s %7.0f m %6.1f deg  %+6.2f deg %+6.1f %%  %6.0f m  cep50 %5.0f m  "
                "%5.2f  %7.2f ms  alerts %d, events %d\n",
            s->id, s->est_kind, s->est_class, s->est_range_m, s->est_bearing_deg,
            s->bearing_err_deg, 100.0 * s->range_err_frac, s->position_err_m, s->cep50_m,
            s->confidence, s->latency_ms, s->n_alerts, s->n_events);
}

void es_score_print(const es_score_report *r, const es_score_limits *limits, FILE *to)
{
    fprintf(to, "%3s %-9s %-7s %9s %10s   %-5s %-7s %-7s %9s %10s  %10s %8s  %8s  %13s  %5s  %10s  %s\n",
            "#", "truth", "kind", "range", "bearing", "id", "kind", "class", "range", "bearing",
            "err bear", "err rng", "err pos", "cep50", "conf", "latency", "messages");
    for (size_t i = 0; i < r->n_sources; i++)
        print_source(&r->sources[i], i, to);
    fprintf(to,
            "summary: %zu launches, %zu alerted exactly once, %zu missed, %zu alerted more than "
            "once; %zu false alerts, %zu non-launch sources alerted; bearing error max %.2f deg "
            "(limit %.1f), range error max %.1f %% (limit %.0f %%), latency max %.2f ms: %s\n",
            r->launches, r->alerted_once, r->missed, r->duplicated, r->false_alerts,
            r->nonlaunch_alerted, r->bearing_err_max_deg, limits->max_bearing_err_deg,
            100.0 * r->range_err_max_frac, 100.0 * limits->max_range_err_frac, r->latency_max_ms,
            r->pass ? "PASS" : "FAIL");
}
