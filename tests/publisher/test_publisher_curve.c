/* CURVE on the publish socket, in process (engine/publisher_curve.c). With
 * site.curve set, a subscriber whose public key is listed receives every
 * message; one with an unlisted key, one without CURVE and one with the
 * wrong server key receive nothing and never subscribe. Each refusal is
 * logged once, the unknown key with its address and Z85 text, although the
 * subscriber without CURVE retries every 100 ms or so. An empty key list
 * refuses everyone. Destroying the publisher ends the ZAP thread at once.
 * Labelled "threads": the ZAP handler runs on a thread of its own and calls
 * the log callback from it. */
#include <pthread.h>
#include <stdlib.h>

#include "earshot/publisher.h"
#include "pubtest.h"

#define WAIT_MS 5000
#define MAX_LINES 64
#define BODY_CAP 65536

typedef struct {
    pthread_mutex_t lock;
    int n;
    char lines[MAX_LINES][512];
} log_lines;

static void log_line(void *ctx, const char *line)
{
    log_lines *l = ctx;
    pthread_mutex_lock(&l->lock);
    if (l->n < MAX_LINES)
        snprintf(l->lines[l->n], sizeof l->lines[0], "%s", line);
    l->n++;
    pthread_mutex_unlock(&l->lock);
}

/* Lines holding both a and b (b may be NULL). */
static int count_lines(log_lines *l, const char *a, const char *b)
{
    int n = 0;
    pthread_mutex_lock(&l->lock);
    for (int i = 0; i < l->n && i < MAX_LINES; i++)
        n += strstr(l->lines[i], a) != NULL && (b == NULL || strstr(l->lines[i], b) != NULL);
    pthread_mutex_unlock(&l->lock);
    return n;
}

static int wait_for_line(log_lines *l, const char *a, const char *b, int timeout_ms)
{
    const double until_s = test_mono_s() + timeout_ms * 1e-3;
    while (count_lines(l, a, b) == 0 && test_mono_s() < until_s) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return count_lines(l, a, b);
}

static void dump_log(log_lines *l)
{
    for (int i = 0; i < l->n && i < MAX_LINES; i++)
        fprintf(stderr, "  log| %s\n", l->lines[i]);
}

typedef struct {
    char pub[41], sec[41];
    unsigned char pub_bin[32], sec_bin[32];
} keypair;

static void make_keypair(keypair *k)
{
    CHECK(zmq_curve_keypair(k->pub, k->sec) == 0);
    CHECK(zmq_z85_decode(k->pub_bin, k->pub) != NULL && zmq_z85_decode(k->sec_bin, k->sec) != NULL);
}

/* A SUB socket subscribed to everything: a CURVE client with `client`'s
 * keys that trusts server_pub, or a plain one when client is NULL. */
static void *open_curve_sub(void *zctx, const char *endpoint, const keypair *client,
                            const char *server_pub)
{
    void *s = zmq_socket(zctx, ZMQ_SUB);
    CHECK(s != NULL);
    if (s == NULL)
        return NULL;
    int linger = 0;
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) == 0);
    if (client != NULL) {
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_pub, 40) == 0);
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, client->pub, 40) == 0);
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, client->sec, 40) == 0);
    }
    CHECK(zmq_connect(s, endpoint) == 0);
    return s;
}

static es_publisher curve_publisher(es_site_config *site, const keypair *server,
                                    const keypair *const *clients, size_t n, log_lines *log)
{
    test_site(site);
    site->curve.enabled = 1;
    memcpy(site->curve.secret_key, server->sec_bin, 32);
    site->curve.n_client_keys = n;
    for (size_t i = 0; i < n; i++)
        memcpy(site->curve.client_keys[i], clients[i]->pub_bin, 32);
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0", .linger_ms = 100,
                               .log = log_line, .log_ctx = log};
    es_error err = {{0}};
    es_publisher p = es_publisher_create(&cfg, site, &err);
    CHECK(p != NULL);
    if (p == NULL)
        fprintf(stderr, "es_publisher_create: %s\n", err.msg);
    return p;
}

/* Nothing arrives on s within timeout_ms. */
static int receives_nothing(void *s, int timeout_ms)
{
    static char topic[64], body[BODY_CAP];
    return recv_message(s, topic, sizeof topic, body, sizeof body, timeout_ms) != 0;
}

static void send_three(es_publisher p, es_site_config *site)
{
    static es_heartbeat hb;
    memset(&hb, 0, sizeof hb);
    hb.n_sensors = site->n_sensors;
    for (size_t i = 0; i < site->n_sensors; i++)
        memcpy(hb.sensors[i].id, site->sensors[i].id, ES_SENSOR_ID_MAX);
    hb.atmosphere = site->atmosphere;
    es_event ev = test_event(1, 0);
    CHECK(es_publisher_send_heartbeat(p, &hb) == ES_OK);
    CHECK(es_publisher_send_event(p, &ev, 1, NAN) == ES_OK);
    CHECK(es_publisher_send_event(p, &ev, 0, NAN) == ES_OK);
}

static void check_received_three(void *s)
{
    static const char *const want[] = {"heartbeat", "alert", "event"};
    static char topic[64], body[BODY_CAP];
    for (int i = 0; i < 3; i++) {
        int rc = recv_message(s, topic, sizeof topic, body, sizeof body, WAIT_MS);
        CHECK(rc == 0 && strcmp(topic, want[i]) == 0);
        json_t *o = rc == 0 ? json_loads(body, 0, NULL) : NULL;
        CHECK(o != NULL && jint(o, "seq") == i);
        json_decref(o);
    }
}

static void test_admits_only_listed(void *zctx)
{
    log_lines log = {.lock = PTHREAD_MUTEX_INITIALIZER};
    keypair server, allowed, listed, stranger;
    make_keypair(&server);
    make_keypair(&allowed);
    make_keypair(&listed);
    make_keypair(&stranger);
    const keypair *clients[] = {&listed, &allowed};
    static es_site_config site;
    es_publisher p = curve_publisher(&site, &server, clients, 2, &log);
    if (p == NULL)
        return;
    const char *ep = es_publisher_endpoint(p);
    CHECK(count_lines(&log, "publish: CURVE: 2 subscriber keys admitted; server public key ",
                      server.pub) == 1);
    void *good = open_curve_sub(zctx, ep, &allowed, server.pub);
    void *unknown = open_curve_sub(zctx, ep, &stranger, server.pub);
    void *plain = open_curve_sub(zctx, ep, NULL, NULL);
    void *wrong_server = open_curve_sub(zctx, ep, &listed, stranger.pub);
    /* Only the listed subscriber's subscription ever reaches the socket. */
    CHECK(es_publisher_wait_subscribers(p, 1, WAIT_MS) == 1);
    CHECK(wait_for_line(&log, "publish: refused a subscriber from 127.0.0.1 with an unknown "
                        "CURVE key ", stranger.pub, WAIT_MS) == 1);
    CHECK(wait_for_line(&log, "publish: refused a subscriber on tcp://127.0.0.1:",
                        " without CURVE", WAIT_MS) == 1);
    CHECK(wait_for_line(&log, "(a wrong server key?)", NULL, WAIT_MS) == 1);
    CHECK(es_publisher_wait_subscribers(p, 2, 1000) == 1);

    send_three(p, &site);
    check_received_three(good);
    CHECK(receives_nothing(unknown, 500));
    CHECK(receives_nothing(plain, 100));
    CHECK(receives_nothing(wrong_server, 100));
    /* The plain client has retried for over a second by now: still one
     * line. No line ever names an admitted key. */
    CHECK(count_lines(&log, " without CURVE", NULL) == 1);
    CHECK(count_lines(&log, stranger.pub, NULL) == 1);
    CHECK(count_lines(&log, allowed.pub, NULL) == 0 && count_lines(&log, listed.pub, NULL) == 0);
    CHECK(es_publisher_failures(p) == 0);
    if (check_failures != 0)
        dump_log(&log);

    const double t0 = test_mono_s();
    es_publisher_destroy(&p);
    const double destroy_s = test_mono_s() - t0;
    printf("destroy with the ZAP thread: %.3f s\n", destroy_s);
    CHECK(p == NULL && destroy_s < 1.5);
    zmq_close(good);
    zmq_close(unknown);
    zmq_close(plain);
    zmq_close(wrong_server);
    pthread_mutex_destroy(&log.lock);
}

static void test_empty_list_refuses_all(void *zctx)
{
    log_lines log = {.lock = PTHREAD_MUTEX_INITIALIZER};
    keypair server, client;
    make_keypair(&server);
    make_keypair(&client);
    static es_site_config site;
    es_publisher p = curve_publisher(&site, &server, NULL, 0, &log);
    if (p == NULL)
        return;
    void *s = open_curve_sub(zctx, es_publisher_endpoint(p), &client, server.pub);
    CHECK(wait_for_line(&log, "with an unknown CURVE key ", client.pub, WAIT_MS) == 1);
    CHECK(es_publisher_wait_subscribers(p, 1, 500) == 0);
    send_three(p, &site);
    CHECK(receives_nothing(s, 500));
    es_publisher_destroy(&p);
    zmq_close(s);
    pthread_mutex_destroy(&log.lock);
}

int main(void)
{
    if (!zmq_has("curve")) {
        printf("test_publisher_curve: libzmq without CURVE, skipped\n");
        return 77;
    }
    void *zctx = zmq_ctx_new();
    CHECK(zctx != NULL);
    test_admits_only_listed(zctx);
    test_empty_list_refuses_all(zctx);
    zmq_ctx_term(zctx);
    return check_report("test_publisher_curve");
}
