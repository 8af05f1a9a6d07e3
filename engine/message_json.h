/* Earshot: the JSON bodies of published messages (CONTRACT.md section 3),
 * built with jansson. Internal to engine/: the publisher stamps `seq`, `t`
 * and `latency_ms` at send time, after the rest of the body is built, so
 * those fields are created here as placeholders in their final position
 * (jansson keeps insertion order, and replacing a value keeps its place). */
#ifndef EARSHOT_ENGINE_MESSAGE_JSON_H
#define EARSHOT_ENGINE_MESSAGE_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "earshot/config.h"
#include "earshot/event.h"
#include "earshot/publisher.h"

/* Every real is rounded to at most 15 significant digits before printing
 * (see message_json.c), so 15 is enough and never shows binary artefacts
 * such as 0.30000000000000004. */
#define ES_MSG_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

#define ES_SCHEMA_EVENT "earshot.event/1"
#define ES_SCHEMA_HEARTBEAT "earshot.heartbeat/1"

/* Sensor ids of the site config, indexed like es_event.used[]. */
typedef struct {
    size_t n;
    const char (*ids)[ES_SENSOR_ID_MAX];
} es_msg_sensor_ids;

/* Body of an `event` or `alert` message; `topic` names which. Returns NULL
 * only when out of memory. */
json_t *es_msg_event_body(const es_event *ev, const char *topic,
                          const es_msg_sensor_ids *ids,
                          double t_origin_offset_s);

/* Body of a `heartbeat` message. */
json_t *es_msg_heartbeat_body(const es_heartbeat *hb, const char *endpoint,
                              double uptime_s);

/* Fills the send-time fields: seq and t (UNIX seconds). ES_OK or ES_ENOMEM. */
int es_msg_stamp(json_t *body, uint64_t seq, double t_unix_s);
/* Fills latency_ms of an event body. ES_OK or ES_ENOMEM. */
int es_msg_set_latency(json_t *body, double latency_ms);

/* x rounded to 1/scale (scale a power of ten), as a JSON real; JSON null if
 * x is not finite (JSON has no NaN or Inf and jansson refuses them). */
json_t *es_msg_real(double x, double scale);

#endif
