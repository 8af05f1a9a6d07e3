/* An engine message as a Cursor on Target event (see cot_xml.h). */
#include "cot_xml.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* CEP50 of a circular Gaussian with per-axis standard deviation sigma is
 * sigma * sqrt(2 ln 2) = 1.1774 sigma (the radius holding half the
 * probability of a Rayleigh distribution). CoT's `ce` is a circular
 * 1-sigma error, so ce = cep50 / 1.1774: the engine already reduces its
 * error ellipse to CEP50 exactly, and a console that draws 1.1774 ce gets
 * the engine's 50 % circle back. */
#define CEP50_PER_SIGMA 1.1774

/* ------------------------------------------------------------ text */

typedef struct {
    char *p;
    size_t size, len;
    int overflow;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    if (t->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->size - t->len) {
        t->overflow = 1;
        return;
    }
    t->len += (size_t)n;
}

/* The characters XML 1.0 cannot carry at all, even as references: C0
 * controls other than tab, newline and carriage return, and U+FFFE and
 * U+FFFF (UTF-8 EF BF BE, EF BF BF). Replaced by '?'. */
static size_t illegal_length(const unsigned char *s)
{
    if (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
        return 1;
    if (s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
        return 3;
    return 0;
}

/* s escaped for an attribute value or element text; newlines and tabs as
 * character references, so a document stays one line. */
static void add_escaped(text *t, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        size_t bad = illegal_length(c);
        if (bad > 0) {
            add(t, "?");
            c += bad - 1;
            continue;
        }
        switch (*c) {
        case '&': add(t, "&amp;"); break;
        case '<': add(t, "&lt;"); break;
        case '>': add(t, "&gt;"); break;
        case '"': add(t, "&quot;"); break;
        case '\'': add(t, "&apos;"); break;
        case '\n': add(t, "&#10;"); break;
        case '\r': add(t, "&#13;"); break;
        case '\t': add(t, "&#9;"); break;
        default: add(t, "%c", *c); break;
        }
    }
}

/* ------------------------------------------------------------ fields */

/* A finite number at obj.key (integer or real): 1 and *out, else 0. */
static int number(const json_t *obj, const char *key, double *out)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return 0;
    *out = json_number_value(v);
    return 1;
}

static const char *string_at(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int copy_string(const json_t *body, const char *key, char *dst, size_t size,
                       es_error *err)
{
    const char *v = string_at(body, key);
    if (v == NULL || v[0] == '\0')
        return es_error_set(err, ES_EINVAL, "no %s (a non-empty string)", key);
    if (strlen(v) >= size)
        return es_error_set(err, ES_EINVAL, "%s longer than %zu bytes", key, size - 1);
    memcpy(dst, v, strlen(v) + 1);
    return ES_OK;
}

int cot_xml_subject(const json_t *body, cot_subject *s, es_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = copy_string(body, "id", s->id, sizeof s->id, err);
    if (rc == ES_OK)
        rc = copy_string(body, "kind", s->kind, sizeof s->kind, err);
    if (rc == ES_OK)
        rc = copy_string(body, "class", s->cls, sizeof s->cls, err);
    const json_t *rev = json_object_get(body, "revision");
    if (rc == ES_OK && (!json_is_integer(rev) || json_integer_value(rev) < 0))
        rc = es_error_set(err, ES_EINVAL, "no revision (an integer >= 0)");
    if (rc == ES_OK)
        s->revision = (long long)json_integer_value(rev);
    return rc;
}

/* ------------------------------------------------------------ CoT */

const char *cot_xml_type(const char *kind, const char *cls)
{
    /* Launches: a hostile weapon at the point of origin, from the
     * MIL-STD-2525 ground equipment tree as CoT writes it (MITRE
     * CoTtypes.xml: G-E-W-O mortar, G-E-W-S single rocket launcher, G-E-W-H
     * howitzer, G-E-W weapon). */
    if (strcmp(kind, "launch") == 0) {
        if (strcmp(cls, "mortar") == 0)
            return "a-h-G-E-W-O";
        if (strcmp(cls, "rocket") == 0)
            return "a-h-G-E-W-S";
        if (strcmp(cls, "artillery") == 0)
            return "a-h-G-E-W-H";
        return "a-h-G-E-W";
    }
    /* Impacts and unexplained bangs are not things but detections: the
     * CoTtypes.xml "bits, detection" branch (b-d-i Detection/Impact,
     * b-d-i-m Detection/Impact/Mortar, b-d-a-i Detection/Acoustic/Impulsive). */
    if (strcmp(kind, "impact") == 0)
        return strcmp(cls, "mortar") == 0 ? "b-d-i-m" : "b-d-i";
    return "b-d-a-i";
}

void cot_xml_time(double unix_s, char *out, size_t out_size)
{
    /* Rounded to the millisecond first, so 59.9996 s carries into the
     * minute instead of printing 60.000. */
    long long ms = llround(unix_s * 1000.0);
    time_t whole_s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&whole_s, &tm);
    snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* The label a console shows next to the marker: "MORTAR E1". */
static void add_callsign(text *t, const cot_subject *s)
{
    const char *what = strcmp(s->kind, "impact") == 0    ? "impact"
                       : strcmp(s->kind, "launch") != 0   ? "unknown"
                       : strcmp(s->cls, "unknown") == 0   ? "launch"
                                                          : s->cls;
    char upper[sizeof s->cls];
    size_t i = 0;
    for (; what[i] != '\0' && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)what[i]);
    upper[i] = '\0';
    add(t, "<contact callsign=\"");
    add_escaped(t, upper);
    add(t, " ");
    add_escaped(t, s->id);
    add(t, "\"/>");
}

/* " key=value" when obj.field is a number. */
static void add_field(text *t, const char *key, const json_t *obj, const char *field, int digits)
{
    double v;
    if (number(obj, field, &v))
        add(t, " %s=%.*f", key, digits, v);
}

static void add_sensors(text *t, const json_t *sensors)
{
    if (!json_is_array(sensors))
        return;
    add(t, " sensors=");
    size_t i;
    const json_t *v;
    json_array_foreach(sensors, i, v)
    {
        if (i > 0)
            add(t, ",");
        add_escaped(t, json_is_string(v) ? json_string_value(v) : "?");
    }
}

/* Everything a console operator or an analyst may want that has no CoT
 * attribute, as key=value words. */
static void add_remarks(text *t, const json_t *body, const cot_subject *s)
{
    const json_t *unc = json_object_get(body, "uncertainty");
    const json_t *alt = json_object_get(body, "alternative");
    add(t, "<remarks>Earshot ");
    add_escaped(t, s->id);
    add(t, " revision %lld: kind=", s->revision);
    add_escaped(t, s->kind);
    add(t, " class=");
    add_escaped(t, s->cls);
    add_field(t, "confidence", body, "confidence", 3);
    add_field(t, "camp_range_m", body, "range_m", 1);
    add_field(t, "camp_bearing_deg", body, "bearing_deg", 1);
    add_field(t, "cep50_m", unc, "cep50_m", 2);
    add_field(t, "semi_major_m", unc, "semi_major_m", 2);
    add_field(t, "semi_minor_m", unc, "semi_minor_m", 2);
    add_field(t, "orientation_deg", unc, "orientation_deg", 1);
    add_field(t, "t_origin", body, "t_origin", 3);
    add_sensors(t, json_object_get(body, "sensors"));
    add_field(t, "latency_ms", body, "latency_ms", 1);
    /* The mirror image a line of sensors cannot rule out: the contract
     * asks a console to show both. */
    add_field(t, "alternative_lat", alt, "lat", 8);
    add_field(t, "alternative_lon", alt, "lon", 8);
    add_field(t, "alternative_probability", alt, "probability", 2);
    add(t, "</remarks>");
}

/* start: the launch time when the engine gives it as UNIX time (live);
 * a replay's t_origin counts from the file's first sample and has no
 * wall-clock anchor, so the message's own time stands in. */
static double start_time(const json_t *body, double sent_s)
{
    double origin_s;
    if (number(body, "t_origin", &origin_s) && origin_s >= COT_UNIX_TIME_MIN_S)
        return origin_s;
    return sent_s;
}

static int read_point(const json_t *body, double *lat, double *lon, es_error *err)
{
    const json_t *pos = json_object_get(body, "position");
    if (!number(pos, "lat", lat) || !number(pos, "lon", lon))
        return es_error_set(err, ES_EINVAL, "no position.lat and position.lon");
    if (fabs(*lat) > 90.0 || fabs(*lon) > 180.0)
        return es_error_set(err, ES_EINVAL, "position %.8f, %.8f out of range", *lat, *lon);
    return ES_OK;
}

static void add_point(text *t, const json_t *body, double lat, double lon)
{
    double alt_m, cep50_m;
    double hae_m = number(json_object_get(body, "position"), "alt_m", &alt_m)
                       ? alt_m
                       : COT_UNKNOWN_ERROR_M;
    double ce_m = number(json_object_get(body, "uncertainty"), "cep50_m", &cep50_m) &&
                          cep50_m >= 0.0
                      ? cep50_m / CEP50_PER_SIGMA
                      : COT_UNKNOWN_ERROR_M;
    /* le: the engine solves on the ground plane and gives no vertical
     * error, so CoT's "unknown". */
    add(t, "<point lat=\"%.8f\" lon=\"%.8f\" hae=\"%.2f\" ce=\"%.2f\" le=\"%.1f\"/>", lat, lon,
        hae_m, ce_m, COT_UNKNOWN_ERROR_M);
}

int cot_xml_document(const json_t *body, const cot_xml_options *opt, char *out,
                     size_t out_size, char *uid, es_error *err)
{
    cot_subject s;
    double lat, lon, sent_s;
    int rc = cot_xml_subject(body, &s, err);
    if (rc == ES_OK)
        rc = read_point(body, &lat, &lon, err);
    if (rc == ES_OK && (!number(body, "t", &sent_s) || sent_s < COT_UNIX_TIME_MIN_S))
        rc = es_error_set(err, ES_EINVAL, "no wall clock t (UNIX seconds)");
    if (rc != ES_OK)
        return rc;
    snprintf(uid, COT_UID_MAX, "earshot.%s.%s", opt->uid_prefix, s.id);
    double start_s = start_time(body, sent_s);
    /* Never stale before it was sent, whatever the engine's clock says. */
    double stale_s = fmax(start_s + opt->stale_s, sent_s);
    char time_txt[32], start_txt[32], stale_txt[32];
    cot_xml_time(sent_s, time_txt, sizeof time_txt);
    cot_xml_time(start_s, start_txt, sizeof start_txt);
    cot_xml_time(stale_s, stale_txt, sizeof stale_txt);

    text t = {out, out_size < COT_DOC_MAX ? out_size : COT_DOC_MAX, 0, 0};
    add(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
    add(&t, "<event version=\"2.0\" uid=\"");
    add_escaped(&t, uid);
    /* how m-f (machine, fused): a position computed from several sensors'
     * arrival times, not GPS (m-g) nor a human estimate (h-e). */
    add(&t, "\" type=\"%s\" how=\"m-f\" time=\"%s\" start=\"%s\" stale=\"%s\">",
        cot_xml_type(s.kind, s.cls), time_txt, start_txt, stale_txt);
    add_point(&t, body, lat, lon);
    add(&t, "<detail>");
    add_callsign(&t, &s);
    add_remarks(&t, body, &s);
    add(&t, "</detail></event>");
    if (t.overflow)
        return es_error_set(err, ES_EINVAL, "document longer than %zu bytes", t.size - 1);
    return ES_OK;
}
