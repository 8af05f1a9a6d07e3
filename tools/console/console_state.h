/* earshot-console's model: what the engine's stream has said so far (the
 * events table, the latest heartbeat's health, the sequence's gaps, the
 * link). Items from the subscriber core are applied to it; the drawing
 * reads it. No I/O here and no clock of its own: the caller passes the
 * monotonic and the wall time, so tests can drive it with any times.
 *
 * Every string taken from a message is stored with bytes outside
 * printable ASCII replaced by '?': a body is data from the network, and a
 * terminal must never receive escape sequences from it. */
#ifndef EARSHOT_CONSOLE_STATE_H
#define EARSHOT_CONSOLE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "sub.h"

#define CS_EVENTS_MAX 1024      /* the oldest is forgotten beyond this */
#define CS_SENSORS_MAX 128      /* the config's limit */
#define CS_DEAD_AFTER_S 3.0     /* CONTRACT.md section 3 */
#define CS_ID_MAX 32
#define CS_WORD_MAX 16          /* kind, class */
#define CS_LIST_MAX 400         /* an event's sensor ids, joined by ',' */
#define CS_FLAGS_MAX 96         /* a sensor's true flags, joined by ' ' */
#define CS_TEXT_MAX 256

typedef enum {
    CS_CONNECTED,               /* the link is up and heartbeats arrive */
    CS_DISCONNECTED,            /* the link is down, not yet 3 s silent */
    CS_DEAD,                    /* no heartbeat for CS_DEAD_AFTER_S */
    CS_REFUSED,                 /* the handshake failed (keys) */
} cs_engine_state;

typedef struct {
    char id[CS_ID_MAX];
    int ok;
    double level_dbfs, peak_dbfs;   /* NAN when absent */
    char flags[CS_FLAGS_MAX];       /* "clipping dead": every other boolean
                                       field that is true */
} cs_sensor;

typedef struct {
    char id[CS_ID_MAX];
    unsigned generation;        /* the engine process it came from */
    uint64_t order;             /* when first seen: newest first */
    long revision;
    int alerted;                /* an `alert` message carried this id */
    char kind[CS_WORD_MAX], cls[CS_WORD_MAX];
    double t_origin_s, range_m, bearing_deg, cep50_m, confidence;
    int n_sensors;
    char sensors[CS_LIST_MAX];
    int has_alternative;        /* the line-array mirror (README) */
    double alt_range_m, alt_bearing_deg, alt_probability;
} cs_event;

/* The latest heartbeat's engine fields; NAN where absent. */
typedef struct {
    double uptime_s, stream_time_s, overruns, events, alerts;
    double temperature_c, wind_speed_mps, wind_from_deg, speed_of_sound_mps;
    double humidity_pct, pressure_kpa;
    char version[CS_ID_MAX];
    char endpoint[ES_SUB_ENDPOINT_MAX];
} cs_engine;

typedef struct {
    char connect[ES_SUB_ENDPOINT_MAX];  /* what --connect named */
    double started_s;           /* monotonic: silence counts from here */
    /* the link, as the subscriber core reports it */
    int link_up, refused;
    char refusal[CS_TEXT_MAX];
    /* heartbeats */
    int have_heartbeat;
    double last_heartbeat_s;    /* monotonic */
    cs_engine engine;
    cs_sensor sensors[CS_SENSORS_MAX];
    int n_sensors;
    /* the sequence */
    uint64_t received, lost, gaps, restarts, bad;
    uint64_t last_gap_lost, last_gap_seq;   /* lost just before seq */
    double last_gap_wall_s;
    char last_bad[CS_TEXT_MAX];
    /* events: a ring, by first sight */
    cs_event events[CS_EVENTS_MAX];
    int n_events;
    uint64_t next_order;
    unsigned generation;
} console_state;

/* Allocates a state for the endpoint given with --connect (NULL: out of
 * memory); now_s on the monotonic clock. */
console_state *console_state_create(const char *connect, double now_s);
void console_state_destroy(console_state **st);

/* Applies one item of the subscriber core. now_s monotonic, wall_s UNIX. */
void console_state_apply(console_state *st, const es_sub_item *it, double now_s,
                         double wall_s);

cs_engine_state console_state_engine(const console_state *st, double now_s);
const char *console_state_name(cs_engine_state s);

/* The events, newest first: out[0..return) point into st. */
int console_state_newest_first(const console_state *st, const cs_event **out, int max);

#endif
