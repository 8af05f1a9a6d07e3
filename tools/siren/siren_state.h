/* earshot-siren's state: which alert ids were seen, whether the siren is
 * on (and until when), whether the engine is alive. Driven by the
 * subscriber's items and the clock; prints through a line callback. */
#ifndef EARSHOT_SIREN_STATE_H
#define EARSHOT_SIREN_STATE_H

#include <signal.h>

#include "sub.h"

typedef struct {
    const char *on_alert, *on_clear, *on_dead, *on_alive; /* NULL: none */
    double hold_s;
    double dead_after_s;
    double command_timeout_s;
} siren_options;

typedef struct siren_state_s siren_state;

siren_state *siren_state_create(const siren_options *opt, void (*print)(const char *line));

/* Receives and acts until *stop is set: 0 then, 1 if receiving failed. */
int siren_state_loop(siren_state *st, es_sub s, volatile sig_atomic_t *stop);

void siren_state_destroy(siren_state **st);

#endif
