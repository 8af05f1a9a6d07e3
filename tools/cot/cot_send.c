/* earshot-cot's transports (see cot_send.h). */
#include "cot_send.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cot_xml.h"

#define RETRY_FIRST_S 0.5     /* the first reconnection attempt ... */
#define RETRY_MAX_S 5.0       /* ... doubling up to this between attempts */
#define CONNECT_TIMEOUT_S 3.0 /* a connection attempt given up after this */
#define STALL_MAX_S 10.0      /* a server that takes no byte for this long is dropped */
#define KEEPALIVE_IDLE_S 10   /* TCP keepalive: a silent peer probed after 10 s, */
#define KEEPALIVE_INTVL_S 5   /* every 5 s, */
#define KEEPALIVE_COUNT 3     /* given up after 3 probes */
#define USER_TIMEOUT_MS 10000 /* data unacknowledged this long: the link is dead */

typedef enum { LINK_DOWN, LINK_CONNECTING, LINK_UP } link_state;

struct cot_sender_s {
    cot_target target;
    char url[COT_HOST_MAX + 32];
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int fd;                     /* UDP: always open; TCP: -1 while down */
    link_state link;
    double next_try_s, retry_s, connect_started_s, stalled_since_s, up_since_s;
    int down_reported;          /* the outage was reported (once each) */
    char pending[COT_DOC_MAX];  /* the unsent tail of a document */
    size_t pending_len, pending_off;
    cot_report_fn report;
    void *ctx;
};

/* ------------------------------------------------------------ parsing */

static int parse_port(const char *p, cot_target *t, const char *url, es_error *err)
{
    size_t n = strspn(p, "0123456789");
    long port = n > 0 && n <= 5 && p[n] == '\0' ? strtol(p, NULL, 10) : 0;
    if (port < 1 || port > 65535)
        return es_error_set(err, ES_EINVAL, "--to %s: the port must be a number 1-65535", url);
    memcpy(t->port, p, n + 1);
    return ES_OK;
}

static int parse_host(const char *h, size_t len, cot_target *t, const char *url, es_error *err)
{
    if (len == 0 || len >= sizeof t->host)
        return es_error_set(err, ES_EINVAL, "--to %s: no host, or a host over %zu characters",
                            url, sizeof t->host - 1);
    memcpy(t->host, h, len);
    t->host[len] = '\0';
    return ES_OK;
}

int cot_send_parse(const char *url, cot_target *t, es_error *err)
{
    memset(t, 0, sizeof *t);
    if (strcmp(url, "-") == 0) {
        t->transport = COT_TO_STDOUT;
        return ES_OK;
    }
    if (strncmp(url, "udp://", 6) == 0)
        t->transport = COT_TO_UDP;
    else if (strncmp(url, "tcp://", 6) == 0)
        t->transport = COT_TO_TCP;
    else
        return es_error_set(err, ES_EINVAL,
                            "--to %s: not udp://HOST:PORT, tcp://HOST:PORT or - (stdout)", url);
    const char *rest = url + 6, *colon;
    int rc;
    if (rest[0] == '[') { /* an IPv6 literal: [::1]:6969 */
        const char *close = strchr(rest, ']');
        if (close == NULL || close[1] != ':')
            return es_error_set(err, ES_EINVAL, "--to %s: an IPv6 host is [ADDRESS]:PORT", url);
        rc = parse_host(rest + 1, (size_t)(close - rest - 1), t, url, err);
        colon = close + 1;
    } else {
        colon = strrchr(rest, ':');
        if (colon == NULL)
            return es_error_set(err, ES_EINVAL, "--to %s: no :PORT", url);
        if (memchr(rest, ':', (size_t)(colon - rest)) != NULL)
            return es_error_set(err, ES_EINVAL, "--to %s: write an IPv6 host as [ADDRESS]",
                                url);
        rc = parse_host(rest, (size_t)(colon - rest), t, url, err);
    }
    return rc != ES_OK ? rc : parse_port(colon + 1, t, url, err);
}

/* ------------------------------------------------------------ creation */

static int resolve(cot_sender *s, es_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_flags = AI_NUMERICSERV};
    hints.ai_socktype = s->target.transport == COT_TO_UDP ? SOCK_DGRAM : SOCK_STREAM;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(s->target.host, s->target.port, &hints, &res);
    if (rc != 0 || res == NULL)
        return es_error_set(err, ES_EINVAL, "--to %s: cannot resolve %s: %s", s->url,
                            s->target.host, rc != 0 ? gai_strerror(rc) : "no address");
    memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
    s->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return ES_OK;
}

/* A UDP socket with the multicast TTL (IPv4) or hop limit (IPv6) set: it
 * only matters when the address is a multicast group, and costs nothing
 * otherwise. */
static int open_udp(cot_sender *s, int ttl, es_error *err)
{
    int family = s->addr.ss_family;
    s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0)
        return es_error_set(err, ES_EIO, "UDP socket: %s", strerror(errno));
    unsigned char ttl_v4 = (unsigned char)ttl;
    int rc = family == AF_INET6
                 ? setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl)
                 : setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl_v4, sizeof ttl_v4);
    if (rc != 0)
        return es_error_set(err, ES_EIO, "multicast TTL %d: %s", ttl, strerror(errno));
    return ES_OK;
}

int cot_send_create(const cot_target *target, int ttl, cot_report_fn report, void *ctx,
                    cot_sender **out, es_error *err)
{
    cot_sender *s = *out = calloc(1, sizeof *s);
    if (s == NULL)
        return es_error_set(err, ES_ENOMEM, "out of memory");
    s->target = *target;
    s->fd = -1;
    s->report = report;
    s->ctx = ctx;
    s->retry_s = RETRY_FIRST_S;
    int v6 = strchr(target->host, ':') != NULL;
    snprintf(s->url, sizeof s->url, "%s://%s%s%s:%s",
             target->transport == COT_TO_UDP ? "udp" : "tcp", v6 ? "[" : "", target->host,
             v6 ? "]" : "", target->port);
    int rc = target->transport == COT_TO_STDOUT ? ES_OK : resolve(s, err);
    if (rc == ES_OK && target->transport == COT_TO_UDP)
        rc = open_udp(s, ttl, err);
    if (rc != ES_OK)
        cot_send_destroy(out);
    return rc;
}

void cot_send_destroy(cot_sender **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    if ((*sp)->fd >= 0)
        close((*sp)->fd);
    free(*sp);
    *sp = NULL;
}

/* ------------------------------------------------------------ TCP link */

static void say(cot_sender *s, const char *word, const char *reason)
{
    char line[sizeof s->url + 320];
    snprintf(line, sizeof line, "%s %s%s%s", word, s->url, reason != NULL ? " reason=" : "",
             reason != NULL ? reason : "");
    s->report(s->ctx, line);
}

/* The link is down: closed, retried after the backoff, said once. */
static void link_failed(cot_sender *s, double now_s, const char *reason)
{
    char why[256];
    snprintf(why, sizeof why, "%s%s", reason,
             s->pending_len > s->pending_off ? " (a document half sent is lost)" : "");
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->pending_len = s->pending_off = 0;
    /* The wait starts short again only after a link that held: a server
     * that accepts and drops at once is not hammered. */
    if (s->link == LINK_UP && now_s - s->up_since_s >= RETRY_MAX_S)
        s->retry_s = RETRY_FIRST_S;
    s->link = LINK_DOWN;
    s->next_try_s = now_s + s->retry_s;
    s->retry_s = s->retry_s * 2.0 < RETRY_MAX_S ? s->retry_s * 2.0 : RETRY_MAX_S;
    if (!s->down_reported)
        say(s, "TAK_DISCONNECTED", why);
    s->down_reported = 1;
}

static void link_up(cot_sender *s, double now_s)
{
    s->link = LINK_UP;
    s->up_since_s = now_s;
    s->down_reported = 0;
    say(s, "TAK_CONNECTED", NULL);
}

/* Low latency (one small write per document) and a dead peer noticed in
 * seconds rather than the kernel's default two hours. Best effort. */
static void tune_tcp(int fd)
{
    int on = 1, idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTVL_S, count = KEEPALIVE_COUNT;
    unsigned int user_timeout = USER_TIMEOUT_MS;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

static void start_connect(cot_sender *s, double now_s)
{
    s->fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        link_failed(s, now_s, strerror(errno));
        return;
    }
    tune_tcp(s->fd);
    s->connect_started_s = now_s;
    if (connect(s->fd, (const struct sockaddr *)&s->addr, s->addr_len) == 0)
        link_up(s, now_s);
    else if (errno == EINPROGRESS)
        s->link = LINK_CONNECTING;
    else
        link_failed(s, now_s, strerror(errno));
}

static void check_connect(cot_sender *s, double now_s)
{
    struct pollfd p = {s->fd, POLLOUT, 0};
    if (poll(&p, 1, 0) > 0) {
        int e = 0;
        socklen_t len = sizeof e;
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len);
        if (e == 0)
            link_up(s, now_s);
        else
            link_failed(s, now_s, strerror(e));
    } else if (now_s - s->connect_started_s > CONNECT_TIMEOUT_S) {
        link_failed(s, now_s, "connection attempt timed out");
    }
}

/* Reads and drops what the server sends; notices that it closed. */
static void drain_input(cot_sender *s, double now_s)
{
    char sink[4096];
    for (int i = 0; i < 64; i++) {
        ssize_t n = recv(s->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            link_failed(s, now_s, "closed by the server");
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            link_failed(s, now_s, strerror(errno));
        return;
    }
}

static void flush_pending(cot_sender *s, double now_s)
{
    while (s->pending_off < s->pending_len) {
        ssize_t n = send(s->fd, s->pending + s->pending_off, s->pending_len - s->pending_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            s->pending_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            link_failed(s, now_s, strerror(errno));
        else if (now_s - s->stalled_since_s > STALL_MAX_S)
            link_failed(s, now_s, "the server stopped reading");
        return;
    }
    s->pending_len = s->pending_off = 0;
}

void cot_send_service(cot_sender *s, double now_s)
{
    if (s->target.transport != COT_TO_TCP)
        return;
    if (s->link == LINK_DOWN && now_s >= s->next_try_s)
        start_connect(s, now_s);
    else if (s->link == LINK_CONNECTING)
        check_connect(s, now_s);
    if (s->link == LINK_UP)
        drain_input(s, now_s);
    if (s->link == LINK_UP)
        flush_pending(s, now_s);
}

/* ------------------------------------------------------------ sending */

/* A document that could not go: the reason in err, 0 returned. */
static int dropped(es_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int dropped(es_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return 0;
}

static int send_tcp(cot_sender *s, const char *doc, size_t len, double now_s, es_error *err)
{
    cot_send_service(s, now_s); /* a server that closed is seen before writing */
    if (s->link != LINK_UP)
        return dropped(err, "not connected to %s", s->url);
    if (s->pending_len > 0)
        return dropped(err, "the previous document is still going out (the server is not "
                            "reading)");
    ssize_t n = send(s->fd, doc, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n == (ssize_t)len)
        return 1;
    if (n > 0) { /* the rest goes out from cot_send_service, before anything else */
        memcpy(s->pending, doc + n, len - (size_t)n);
        s->pending_len = len - (size_t)n;
        s->pending_off = 0;
        s->stalled_since_s = now_s;
        return 1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return dropped(err, "the server is not reading (send buffer full)");
    int e = errno;
    link_failed(s, now_s, strerror(e));
    return dropped(err, "%s: %s", s->url, strerror(e));
}

static int send_udp(cot_sender *s, const char *doc, size_t len, es_error *err)
{
    ssize_t n = sendto(s->fd, doc, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                       (const struct sockaddr *)&s->addr, s->addr_len);
    if (n == (ssize_t)len)
        return 1;
    return dropped(err, "%s: %s", s->url, n < 0 ? strerror(errno) : "short datagram");
}

int cot_send_document(cot_sender *s, const char *doc, size_t len, double now_s, es_error *err)
{
    if (len > sizeof s->pending)
        return dropped(err, "document over %zu bytes", sizeof s->pending);
    if (s->target.transport == COT_TO_UDP)
        return send_udp(s, doc, len, err);
    if (s->target.transport == COT_TO_TCP)
        return send_tcp(s, doc, len, now_s, err);
    if (fwrite(doc, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return es_error_set(err, ES_EIO, "stdout: %s", strerror(errno));
    return 1;
}
