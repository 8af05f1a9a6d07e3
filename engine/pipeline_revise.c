/* Verdicts that change after the first message (CONTRACT.md `revision`).
 *
 * An event is published as soon as enough of its wavefront has crossed
 * the array to locate it (a provisional group of the associator), then
 * again with the same id and a higher revision: once the whole wavefront
 * is in (more sensors: a better position), and once every used sensor has
 * heard what followed the blast (a rocket's motor, thunder's rumble: a
 * surer kind and class). A launch withdrawn by a revision is still sent to
 * the alert topic, so a siren hears that it was withdrawn. */
#include <math.h>
#include <string.h>

#include "pipeline_internal.h"

/* The revision waits until every used sensor has heard this long after
 * its onset: the late tail (0.5-1.5 s, a rocket motor's burn). */
#define REVISION_AFTER_S 1.55
/* A revision is published when the kind or class changes, or the
 * confidence by this much (or the position: see es_pl_refine). */
#define REVISION_MIN_CONFIDENCE_CHANGE 0.02

static int64_t due_frame(es_pipeline p, const es_event *ev, const int64_t *onset)
{
    int64_t last = INT64_MIN;
    for (size_t k = 0; k < ev->n_used; k++)
        last = onset[k] > last ? onset[k] : last;
    return last + (int64_t)(REVISION_AFTER_S * p->site.sample_rate_hz);
}

int es_pl_room(es_pipeline p)
{
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (!p->pending[i].busy)
            return 1;
    return 0;
}

struct es_pending *es_pl_await(es_pipeline p, const es_event *ev, const int64_t *onset,
                               int alerted, uint32_t early_id)
{
    for (size_t i = 0; i < MAX_PENDING; i++) {
        struct es_pending *q = &p->pending[i];
        if (q->busy)
            continue;
        q->busy = 1;
        q->alerted = alerted;
        q->early_id = early_id;
        q->crack_early_id = 0;
        q->due_frame = due_frame(p, ev, onset);
        memcpy(q->onset, onset, sizeof(int64_t) * ev->n_used);
        q->ev = *ev;
        return q;
    }
    return NULL;
}

struct es_pending *es_pl_awaiting_final(es_pipeline p, uint32_t early_id)
{
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (p->pending[i].busy && p->pending[i].early_id == early_id)
            return &p->pending[i];
    return NULL;
}

static int verdict_differs(const es_event *a, const es_event *b)
{
    return a->kind != b->kind || a->cls != b->cls ||
           fabs(a->confidence - b->confidence) >= REVISION_MIN_CONFIDENCE_CHANGE;
}

/* Publishes ev as q's next revision and keeps it as q's latest. */
static void publish_revision(es_pipeline p, struct es_pending *q, es_event *ev)
{
    int launch = ev->kind == ES_KIND_LAUNCH;
    ev->id = q->ev.id;
    ev->revision = q->ev.revision + 1;
    (void)es_pl_output(p, ev, launch || q->alerted);
    p->stats.revisions++;
    p->stats.alerts += (uint64_t)(launch && !q->alerted);
    q->alerted |= launch;
    q->ev = *ev;
}

/* q follows ev's onsets from now on (its revision is due after them),
 * and the final group of early_id, if not 0. */
static void adopt_fix(es_pipeline p, struct es_pending *q, const es_event *ev,
                      const int64_t *onset, uint32_t early_id)
{
    q->early_id = early_id;
    q->due_frame = due_frame(p, ev, onset);
    memcpy(q->onset, onset, sizeof(int64_t) * ev->n_used);
}

void es_pl_refine(es_pipeline p, struct es_pending *q, const es_event *final_ev,
                  const int64_t *onset)
{
    es_event ev = *final_ev;
    int more = ev.n_used != q->ev.n_used || ev.n_rejected != q->ev.n_rejected;
    adopt_fix(p, q, &ev, onset, 0);
    if (p->n_out < MAX_OUTPUTS && (more || p->all_revisions || verdict_differs(&ev, &q->ev)))
        publish_revision(p, q, &ev);
}

void es_pl_replace(es_pipeline p, struct es_pending *q, const es_event *ev, const int64_t *onset,
                   uint32_t early_id)
{
    es_event next = *ev;
    if (q->early_id != 0)
        q->crack_early_id = q->early_id;
    adopt_fix(p, q, &next, onset, early_id);
    if (p->n_out < MAX_OUTPUTS)
        publish_revision(p, q, &next);
    else
        q->ev = next;
}

/* Judges a pending event again with all that is heard now. */
static void revise(es_pipeline p, struct es_pending *q)
{
    es_event ev = q->ev;
    es_featurizer_tail(p->feat, p->history, q->onset, &ev);
    es_classifier_execute(p->cls, &ev);
    q->busy = 0;
    if (p->all_revisions || verdict_differs(&ev, &q->ev))
        publish_revision(p, q, &ev);
    p->recent[p->recent_next] = *q; /* busy 0: taken over, it is made busy again */
    p->recent[p->recent_next].busy = 1;
    p->recent_next = (p->recent_next + 1) % MAX_RECENT;
}

void es_pl_revise_due(es_pipeline p, int64_t now, int all)
{
    for (size_t i = 0; i < MAX_PENDING && p->n_out < MAX_OUTPUTS; i++) {
        struct es_pending *q = &p->pending[i];
        /* An early event waits for its final group (at the end: not). */
        if (q->busy && (all || (q->early_id == 0 && q->due_frame <= now)))
            revise(p, q);
    }
}
