/* earshot-cot: an engine message (alert or event, CONTRACT.md section 3)
 * as a Cursor on Target event, the XML that TAK consoles read. Pure: no
 * I/O, no clock; the caller decides which messages become documents.
 *
 * The document is one line (the XML declaration, then <event> with a
 * <point> and a <detail> holding <contact callsign> and <remarks>), so a
 * script can read documents line by line. Every text copied from the
 * message is escaped. */
#ifndef EARSHOT_COT_XML_H
#define EARSHOT_COT_XML_H

#include <jansson.h>
#include <stddef.h>

#include "earshot/status.h"

#define COT_DOC_MAX 8192      /* a document never exceeds this (bytes) */
#define COT_UID_MAX 192
#define COT_ID_MAX 64
#define COT_UNKNOWN_ERROR_M 9999999.0 /* CoT's "unknown" for hae, ce, le */
/* Above this, t_origin is UNIX time (live); below, seconds after the first
 * sample of a replayed file (2001-09-09 as UNIX time: no live engine ran
 * then). */
#define COT_UNIX_TIME_MIN_S 1e9

typedef struct {
    const char *uid_prefix;   /* uid = "earshot.<uid_prefix>.<id>" */
    double stale_s;           /* stale = start + stale_s */
} cot_xml_options;

/* What a message is about: enough to decide whether to send it. */
typedef struct {
    char id[COT_ID_MAX];
    long long revision;
    char kind[16];            /* "launch", "impact", "unknown" (as sent) */
    char cls[16];             /* "mortar", "rocket", "artillery", "unknown" */
} cot_subject;

/* Reads id (a non-empty string), revision (an integer >= 0), kind and
 * class (strings) from an alert or event body. ES_OK, or ES_EINVAL with
 * the reason. */
int cot_xml_subject(const json_t *body, cot_subject *subject, es_error *err);

/* The CoT type for a kind and class (the table in README.md). */
const char *cot_xml_type(const char *kind, const char *cls);

/* ISO 8601 UTC with milliseconds and Z ("2024-05-01T12:00:00.000Z") for
 * UNIX seconds; out holds at least 32 bytes. */
void cot_xml_time(double unix_s, char *out, size_t out_size);

/* The document for body into out (NUL-terminated, at most COT_DOC_MAX
 * bytes); its uid into uid (COT_UID_MAX). ES_OK, or ES_EINVAL with the
 * reason (no position, a latitude out of range, no wall clock `t`...). */
int cot_xml_document(const json_t *body, const cot_xml_options *opt, char *out,
                     size_t out_size, char *uid, es_error *err);

#endif
