/* earshot-cot: the engine's alerts and events as Cursor on Target events
 * for TAK consoles (issue 7, section 3).
 *
 * Subscribes to every topic (seq counts every message: only so is a jump a
 * loss), turns each new revision of a launch or an impact (and, with
 * --all-events, of an unexplained bang) into one CoT document
 * (cot_xml.c) and sends it over UDP, TCP or stdout (cot_send.c). A launch
 * comes twice, as alert and as event, with the same revision: it is sent
 * once. An id once sent is followed whatever it becomes (a launch revised
 * to an impact changes its marker, not leaves a hostile one behind).
 * What happens is said on stderr, one line each, after "earshot-cot: ":
 *   SENT, DROPPED        a document, and why it could not go
 *   SKIPPED              a message no document can be made of (no position)
 *   TAK_CONNECTED, TAK_DISCONNECTED   the TCP link to the TAK side
 *   CONNECTED, DISCONNECTED, REFUSED   the link to the engine
 *   GAP, RESTART, BAD    lost messages, a new engine process, a broken one
 * Exit: 0 on SIGINT or SIGTERM, 2 bad usage, 1 a failure at run time. */
#include <ctype.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cot_send.h"
#include "cot_xml.h"
#include "sub.h"

#define IDS_MAX 1024          /* ids remembered (the oldest forgotten first) */
#define RECEIVE_WAIT_MS 100   /* the TCP link is serviced at least this often */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct {
    es_sub_config sub;
    cot_target target;
    int have_target;
    char uid_prefix[96];
    double stale_s;
    int ttl;
    int all_events;
} cot_options;

/* The last revision sent of each id, so a revision goes out once. */
typedef struct {
    char id[COT_ID_MAX];
    long long revision;
} sent_id;

typedef struct {
    cot_options opt;
    cot_sender *sender;
    sent_id ids[IDS_MAX];
    size_t ids_next;
    unsigned long long sent, dropped;
} bridge;

static const char usage[] =
    "usage: earshot-cot --connect ENDPOINT --to udp://HOST:PORT|tcp://HOST:PORT|- [options]\n"
    "\n"
    "Sends an Earshot engine's launches and impacts to TAK consoles (ATAK,\n"
    "WinTAK, TAK Server) as Cursor on Target events: a launch as a hostile\n"
    "weapon at its point of origin (mortar a-h-G-E-W-O, rocket a-h-G-E-W-S,\n"
    "artillery a-h-G-E-W-H, unknown class a-h-G-E-W), an impact as b-d-i,\n"
    "with --all-events an unexplained bang as b-d-a-i. Each revision of an\n"
    "event updates the same marker (uid earshot.PREFIX.ID).\n"
    "\n"
    "options:\n"
    "  --connect ENDPOINT    the engine's publish endpoint (tcp://HOST:PORT,\n"
    "                        ipc://PATH); required\n"
    "  --to URL              where the events go; required:\n"
    "                        udp://HOST:PORT  one datagram each, unicast or\n"
    "                                         multicast (TAK's default SA\n"
    "                                         multicast is udp://239.2.3.1:6969)\n"
    "                        tcp://HOST:PORT  one persistent connection (a TAK\n"
    "                                         Server's streaming input, a\n"
    "                                         console's TCP input); reconnected\n"
    "                                         every 0.5-5 s while down\n"
    "                        -                stdout, one document per line\n"
    "  --stdout              the same as --to -\n"
    "  --uid-prefix P        uids are earshot.P.ID (letters, digits, . _ -);\n"
    "                        default: the --connect endpoint's host and port\n"
    "  --stale S             a marker goes stale S seconds after the launch\n"
    "                        (60-604800, default 300)\n"
    "  --ttl N               multicast TTL (1-255, default 1: this network only)\n"
    "  --all-events          also send events that are neither launch nor impact\n"
    "  --server-key Z85      the engine's CURVE public key (publish.curve)\n"
    "  --key-file PATH       this subscriber's CURVE secret key file (as\n"
    "                        `earshot keygen` writes it); needs --server-key\n"
    "  -h, --help            this text\n"
    "\n"
    "time is when the engine sent the revision; start the launch time when the\n"
    "engine gives it as UNIX time (live), else (a replay's t_origin counts from\n"
    "the file's start) the send time; ce is the 1-sigma circular error,\n"
    "CEP50 / 1.1774; hae the position's alt_m; le unknown (9999999.0).\n"
    "\n"
    "stderr has one line per thing that happens, after \"earshot-cot: \": SENT,\n"
    "DROPPED (a document that could not go: never queued, never blocking),\n"
    "SKIPPED, TAK_CONNECTED, TAK_DISCONNECTED, CONNECTED, DISCONNECTED, REFUSED,\n"
    "GAP (messages lost on the way: an alert may be among them), RESTART, BAD.\n"
    "\n"
    "exit status: 0 stopped by SIGINT or SIGTERM; 2 bad usage; 1 a failure at\n"
    "run time (a socket that cannot be made, stdout closed).\n";

/* ------------------------------------------------------------ options */

/* One line naming the problem, then where the manual is; returns 2. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("earshot-cot: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(earshot-cot --help for usage)\n", stderr);
    va_end(ap);
    return 2;
}

static int parse_number(const char *opt, const char *value, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = value != NULL ? strtod(value, &end) : NAN;
    if (value == NULL || end == value || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return usage_error("%s needs a number from %g to %g", opt, lo, hi);
    *out = v;
    return 0;
}

static int parse_uid_prefix(const char *value, cot_options *o)
{
    if (value == NULL || value[0] == '\0' || strlen(value) >= sizeof o->uid_prefix ||
        strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
            strlen(value))
        return usage_error("--uid-prefix needs 1-95 letters, digits, '.', '_' or '-'");
    strcpy(o->uid_prefix, value);
    return 0;
}

static int parse_target(const char *value, cot_options *o)
{
    es_error err = {{0}};
    if (value == NULL || value[0] == '\0')
        return usage_error("--to needs udp://HOST:PORT, tcp://HOST:PORT or -");
    if (cot_send_parse(value, &o->target, &err) != ES_OK)
        return usage_error("%s", err.msg);
    o->have_target = 1;
    return 0;
}

/* One option beyond the common ones at argv[*i]: 0 parsed, 2 bad usage. */
static int parse_option(int argc, char **argv, int *i, cot_options *o)
{
    const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    double number;
    if (strcmp(a, "--stdout") == 0)
        return parse_target("-", o);
    if (strcmp(a, "--all-events") == 0) {
        o->all_events = 1;
        return 0;
    }
    (*i)++; /* every other option takes a value */
    if (strcmp(a, "--to") == 0)
        return parse_target(v, o);
    if (strcmp(a, "--uid-prefix") == 0)
        return parse_uid_prefix(v, o);
    if (strcmp(a, "--stale") == 0)
        return parse_number(a, v, 60.0, 604800.0, &o->stale_s);
    if (strcmp(a, "--ttl") == 0) {
        if (parse_number(a, v, 1.0, 255.0, &number) != 0)
            return 2;
        if (number != floor(number))
            return usage_error("--ttl needs a whole number from 1 to 255");
        o->ttl = (int)number;
        return 0;
    }
    return usage_error("unknown option '%s'", a);
}

/* The default uid prefix: the endpoint without its scheme, every
 * character a uid should not carry made '-' (tcp://10.0.0.5:5556 ->
 * 10.0.0.5-5556), so two engines' markers never share a uid. */
static void default_uid_prefix(cot_options *o)
{
    const char *e = strstr(o->sub.endpoint, "://");
    e = e != NULL ? e + 3 : o->sub.endpoint;
    while (*e == '/')
        e++;
    size_t n = 0;
    for (; e[n] != '\0' && n + 1 < sizeof o->uid_prefix; n++)
        o->uid_prefix[n] = isalnum((unsigned char)e[n]) || e[n] == '.' ? e[n] : '-';
    o->uid_prefix[n] = '\0';
}

/* 0 ready, -1 --help printed, 2 bad usage. */
static int parse_args(int argc, char **argv, cot_options *o)
{
    for (int i = 1; i < argc; i++) {
        es_error err = {{0}};
        int rc = es_sub_parse_option(argc, argv, &i, &o->sub, &err);
        if (rc < 0)
            return usage_error("%s", err.msg);
        if (rc == 1)
            continue;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (parse_option(argc, argv, &i, o) != 0)
            return 2;
    }
    es_error err = {{0}};
    if (es_sub_check_config(&o->sub, &err) != ES_OK)
        return usage_error("%s", err.msg);
    if (!o->have_target)
        return usage_error("--to udp://HOST:PORT|tcp://HOST:PORT|- is required");
    if (o->uid_prefix[0] == '\0')
        default_uid_prefix(o);
    return 0;
}

/* ------------------------------------------------------------ the loop */

/* One line on stderr; control bytes a message may carry (in an id, in a
 * reason) shown as '?', so a line stays one line. */
static void report(void *ctx, const char *line)
{
    (void)ctx;
    fputs("earshot-cot: ", stderr);
    for (const unsigned char *c = (const unsigned char *)line; *c != '\0'; c++)
        fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, stderr);
    fputc('\n', stderr);
    fflush(stderr);
}

static sent_id *find_id(bridge *b, const char *id)
{
    for (size_t i = 0; i < IDS_MAX; i++)
        if (b->ids[i].id[0] != '\0' && strcmp(b->ids[i].id, id) == 0)
            return &b->ids[i];
    return NULL;
}

static void remember(bridge *b, const cot_subject *s)
{
    sent_id *e = find_id(b, s->id);
    if (e == NULL) {
        e = &b->ids[b->ids_next];
        b->ids_next = (b->ids_next + 1) % IDS_MAX;
        snprintf(e->id, sizeof e->id, "%s", s->id);
    }
    e->revision = s->revision;
}

/* A new revision of an id already sent, or a kind that is sent at all. */
static int wanted(bridge *b, const cot_subject *s)
{
    const sent_id *e = find_id(b, s->id);
    if (e != NULL)
        return s->revision > e->revision;
    return strcmp(s->kind, "launch") == 0 || strcmp(s->kind, "impact") == 0 ||
           b->opt.all_events;
}

/* One alert or event. ES_OK, or ES_EIO when nothing more can be sent. */
static int forward(bridge *b, const json_t *body, uint64_t seq)
{
    char line[1024], uid[COT_UID_MAX], doc[COT_DOC_MAX];
    cot_subject s;
    es_error err = {{0}};
    if (cot_xml_subject(body, &s, &err) != ES_OK) {
        snprintf(line, sizeof line, "BAD seq=%llu reason=%s", (unsigned long long)seq, err.msg);
        report(NULL, line);
        return ES_OK;
    }
    if (!wanted(b, &s))
        return ES_OK;
    cot_xml_options xo = {b->opt.uid_prefix, b->opt.stale_s};
    if (cot_xml_document(body, &xo, doc, sizeof doc, uid, &err) != ES_OK) {
        snprintf(line, sizeof line, "SKIPPED id=%s revision=%lld seq=%llu reason=%s", s.id,
                 s.revision, (unsigned long long)seq, err.msg);
        report(NULL, line);
        return ES_OK;
    }
    int rc = cot_send_document(b->sender, doc, strlen(doc), es_sub_now_s(), &err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        remember(b, &s);
    b->sent += rc == 1;
    b->dropped += rc == 0;
    snprintf(line, sizeof line, "%s uid=%s type=%s revision=%lld seq=%llu%s%s",
             rc == 1 ? "SENT" : "DROPPED", uid, cot_xml_type(s.kind, s.cls), s.revision,
             (unsigned long long)seq, rc == 1 ? "" : " reason=", rc == 1 ? "" : err.msg);
    report(NULL, line);
    return ES_OK;
}

static int on_message(bridge *b, const es_sub_item *it)
{
    char line[320];
    if (it->restarted) {
        snprintf(line, sizeof line, "RESTART after_seq=%llu seq=%llu (a new engine process: "
                 "its ids start again)", (unsigned long long)it->previous_seq,
                 (unsigned long long)it->seq);
        report(NULL, line);
        memset(b->ids, 0, sizeof b->ids);
    }
    if (it->gap > 0) {
        snprintf(line, sizeof line, "GAP lost=%llu after_seq=%llu seq=%llu",
                 (unsigned long long)it->gap, (unsigned long long)it->previous_seq,
                 (unsigned long long)it->seq);
        report(NULL, line);
    }
    if (strcmp(it->topic, "alert") != 0 && strcmp(it->topic, "event") != 0)
        return ES_OK;
    return forward(b, it->body, it->seq);
}

static int on_item(bridge *b, const es_sub_item *it)
{
    char line[512];
    if (it->kind == ES_SUB_MESSAGE)
        return on_message(b, it);
    const char *word = it->kind == ES_SUB_BAD            ? "BAD"
                       : it->kind == ES_SUB_CONNECTED    ? "CONNECTED"
                       : it->kind == ES_SUB_DISCONNECTED ? "DISCONNECTED"
                                                         : "REFUSED";
    if (it->kind == ES_SUB_BAD)
        snprintf(line, sizeof line, "BAD topic=%s reason=%s", it->topic, it->reason);
    else
        snprintf(line, sizeof line, "%s %s", word, it->reason);
    report(NULL, line);
    return ES_OK;
}

static int run(bridge *b, es_sub s)
{
    while (!stop_requested) {
        cot_send_service(b->sender, es_sub_now_s());
        es_sub_item item = {0};
        es_error err = {{0}};
        int rc = es_sub_receive(s, RECEIVE_WAIT_MS, &item, &err);
        if (rc < 0) {
            fprintf(stderr, "earshot-cot: %s\n", err.msg);
            return 1;
        }
        if (rc == 1)
            rc = on_item(b, &item);
        es_sub_item_clear(&item);
        if (rc < 0) {
            fprintf(stderr, "earshot-cot: %s\n", "stdout is closed: stopping");
            return 1;
        }
    }
    fprintf(stderr, "earshot-cot: stopped: %llu sent, %llu dropped\n", b->sent, b->dropped);
    return 0;
}

int main(int argc, char **argv)
{
    static bridge b; /* the id table is large: not on the stack */
    b.opt.stale_s = 300.0;
    b.opt.ttl = 1;
    int rc = parse_args(argc, argv, &b.opt);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    es_sub_handle_stop_signals(on_signal);

    es_error err = {{0}};
    rc = cot_send_create(&b.opt.target, b.opt.ttl, report, NULL, &b.sender, &err);
    if (rc != ES_OK) {
        fprintf(stderr, "earshot-cot: %s\n", err.msg);
        return rc == ES_EINVAL ? 2 : 1;
    }
    es_sub s = es_sub_create(&b.opt.sub, &err);
    if (s == NULL) {
        fprintf(stderr, "earshot-cot: %s\n", err.msg);
        cot_send_destroy(&b.sender);
        return strstr(err.msg, "out of memory") == NULL ? 2 : 1;
    }
    rc = run(&b, s);
    es_sub_destroy(&s);
    cot_send_destroy(&b.sender);
    return rc;
}
