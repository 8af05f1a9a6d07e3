/* Earshot: what a located event sounded like, in physical terms, for the
 * classifier (es_features in event.h).
 *
 * Plan once, run many: es_featurizer_create makes the FFTW plan for the
 * blast spectrum; es_featurizer_execute measures a located group from its
 * onsets' snippets (the blast) and the sensors' history (what followed).
 * Nothing allocates after create. */
#ifndef EARSHOT_FEATURES_H
#define EARSHOT_FEATURES_H

#include "earshot/associator.h"
#include "earshot/config.h"
#include "earshot/event.h"
#include "earshot/history.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_featurizer_s *es_featurizer;

typedef struct {
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];
    double sample_rate_hz;
    double band_lo_hz, band_hi_hz;  /* the conditioned band */
    double full_scale_db_spl;       /* SPL of 0 dBFS */
    double history_rate_hz;         /* es_history_rate_hz of the history read */
} es_featurizer_config;

es_featurizer es_featurizer_create(const es_featurizer_config *cfg, es_error *err);

/* Blast features of located event ev (position, used sensors) from group
 * g, in air atm; the tail from history h as far as it reaches. Fills
 * ev->features (NaN where not measurable). */
void es_featurizer_blast(es_featurizer f, const es_onset_group *g, const es_atmosphere_config *atm,
                         es_event *ev);

/* Tail features of ev from h: onset_frame[k] is the arrival at used
 * sensor ev->used[k]. Call again as more is heard (the revision). */
void es_featurizer_tail(es_featurizer f, es_history h, const int64_t *onset_frame,
                        es_event *ev);

void es_featurizer_destroy(es_featurizer *f);

#ifdef __cplusplus
}
#endif
#endif
