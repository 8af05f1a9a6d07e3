/* Encrypted alerts end to end: `earshot replay --realtime` (a separate
 * process) of 5 s of a simulated scene with a mortar launch, publishing on
 * tcp://127.0.0.1 with publish.curve (keys made by `earshot keygen`, the
 * secret key file named relative to the config's directory, the engine run
 * from another directory). Three raw libzmq subscribers:
 *   - a CURVE client whose public key is listed, trusting the server key:
 *     receives heartbeats (never more than 1 s apart), the alert and the
 *     event, seq without a gap;
 *   - a CURVE client with an unlisted key: receives nothing, and the
 *     engine's stderr has one refusal line with its address and key;
 *   - a client without CURVE: receives nothing, refusal logged.
 * The engine exits 0 promptly after the last message (the ZAP thread ends
 * with the publisher).
 * usage: test_curve_e2e EARSHOT EARSHOT_SIM SCENE.json WORK_DIR */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "../dsp/check.h"

#define AUDIO_S 5
#define QUIET_AFTER_EXIT_MS 1500

enum { ALLOWED, STRANGER, PLAIN, N_SUBS };
static const char *const sub_names[N_SUBS] = {"allowed", "unknown key", "no CURVE"};

typedef struct {
    int alerts, events, heartbeats, total;
    long long last_seq;
    int seq_gaps;
    double last_hb_t, max_hb_gap_s;
} tally;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs argv to completion with stdout to /dev/null; its exit status. */
static int run_wait(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void read_key(const char *path, char z85[41])
{
    z85[0] = '\0';
    FILE *f = fopen(path, "r");
    CHECK(f != NULL && fread(z85, 1, 40, f) == 40, "reading %s", path);
    z85[40] = '\0';
    if (f != NULL)
        fclose(f);
}

/* Fresh keys by `earshot keygen` (which refuses to overwrite). */
static void keygen(const char *earshot, const char *work, const char *name)
{
    char prefix[512], path[600];
    snprintf(prefix, sizeof prefix, "%s/%s", work, name);
    snprintf(path, sizeof path, "%s.key", prefix);
    unlink(path);
    snprintf(path, sizeof path, "%s.pub", prefix);
    unlink(path);
    char *argv[] = {(char *)earshot, "keygen", prefix, NULL};
    CHECK(run_wait(argv) == 0, "earshot keygen %s", prefix);
}

/* The simulator's site config with publish.curve added. */
static void write_curve_config(const char *sim_config, const char *out, const char *client_pub)
{
    json_error_t je;
    json_t *root = json_load_file(sim_config, 0, &je);
    CHECK(root != NULL, "%s: %s", sim_config, je.text);
    if (root == NULL)
        return;
    json_t *curve = json_pack("{s:s, s:[s]}", "secret_key_file", "server.key",
                              "client_public_keys", client_pub);
    CHECK(json_object_set_new(json_object_get(root, "publish"), "curve", curve) == 0, "curve");
    CHECK(json_dump_file(root, out, JSON_INDENT(2)) == 0, "writing %s", out);
    json_decref(root);
}

/* A TCP port nobody listens on right now (the kernel's choice). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
             getsockname(fd, (struct sockaddr *)&a, &len) == 0;
    if (fd >= 0)
        close(fd);
    CHECK(ok, "free port: %s", strerror(errno));
    return ok ? ntohs(a.sin_port) : 0;
}

static void *open_sub(void *zctx, const char *ep, const char *server_pub, const char *pub,
                      const char *sec)
{
    void *s = zmq_socket(zctx, ZMQ_SUB);
    int linger = 0;
    CHECK(s != NULL && zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0 &&
              zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) == 0, "SUB socket");
    if (server_pub != NULL)
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_pub, 40) == 0 &&
                  zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40) == 0 &&
                  zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40) == 0, "CURVE client options");
    CHECK(zmq_connect(s, ep) == 0, "connect %s", ep);
    return s;
}

static void count_message(tally *t, const char *topic, const char *body)
{
    json_t *o = json_loads(body, 0, NULL);
    CHECK(json_is_object(o), "a JSON body");
    long long seq = json_integer_value(json_object_get(o, "seq"));
    t->seq_gaps += t->total > 0 && seq != t->last_seq + 1;
    t->last_seq = seq;
    t->total++;
    t->alerts += strcmp(topic, "alert") == 0;
    t->events += strcmp(topic, "event") == 0;
    if (strcmp(topic, "heartbeat") == 0) {
        double at = json_number_value(json_object_get(o, "t"));
        if (t->heartbeats > 0 && at - t->last_hb_t > t->max_hb_gap_s)
            t->max_hb_gap_s = at - t->last_hb_t;
        t->last_hb_t = at;
        t->heartbeats++;
    }
    json_decref(o);
}

static void recv_one(void *s, tally *t)
{
    char topic[32];
    static char body[65536];
    int n = zmq_recv(s, topic, sizeof topic - 1, 0);
    int more = 0;
    size_t sz = sizeof more;
    zmq_getsockopt(s, ZMQ_RCVMORE, &more, &sz);
    CHECK(n > 0 && more, "topic frame then body");
    topic[n > 0 && n < (int)sizeof topic ? n : 0] = '\0';
    int len = zmq_recv(s, body, sizeof body - 1, 0);
    body[len > 0 && len < (int)sizeof body ? len : 0] = '\0';
    count_message(t, topic, body);
}

/* Until the engine has exited and every socket was quiet for a while.
 * Returns the exit status; *exit_after_last_s: from the last message
 * received to the engine's exit. */
static int receive(void *subs[N_SUBS], tally tallies[N_SUBS], pid_t pid, double *exit_after_last_s)
{
    int status = -1, exited = 0;
    double last_msg_s = mono_s(), exit_s = 0.0;
    for (;;) {
        zmq_pollitem_t items[N_SUBS];
        for (int i = 0; i < N_SUBS; i++)
            items[i] = (zmq_pollitem_t){subs[i], 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(items, N_SUBS, exited ? QUIET_AFTER_EXIT_MS : 100);
        for (int i = 0; i < N_SUBS && rc > 0; i++)
            if (items[i].revents & ZMQ_POLLIN) {
                recv_one(subs[i], &tallies[i]);
                last_msg_s = mono_s();
            }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            exit_s = mono_s();
        } else if (exited && rc == 0) {
            break;
        }
    }
    *exit_after_last_s = exit_s - last_msg_s;
    return status;
}

/* Lines of the engine's stderr holding a (and b, if not NULL). */
static int count_lines(const char *path, const char *a, const char *b)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        n += strstr(line, a) != NULL && (b == NULL || strstr(line, b) != NULL);
    if (f != NULL)
        fclose(f);
    return n;
}

static void dump(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        fprintf(stderr, "  engine| %s", line);
    if (f != NULL)
        fclose(f);
}

static pid_t start_engine(char *const argv[], const char *stderr_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    CHECK(pid > 0, "fork");
    return pid;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s EARSHOT EARSHOT_SIM SCENE.json WORK_DIR\n", argv[0]);
        return 2;
    }
    if (!zmq_has("curve")) {
        printf("test_curve_e2e: libzmq without CURVE, skipped\n");
        return 77;
    }
    const char *earshot = argv[1], *work = argv[4];
    char path[512], config[512], wav[512], err_path[512], ep[64];
    mkdir(work, 0755);
    char *sim_argv[] = {argv[2], argv[3], "--out", (char *)work, "--prefix", "curve",
                        "--duration", "5", NULL};
    CHECK(run_wait(sim_argv) == 0, "earshot-sim %s", argv[3]);
    keygen(earshot, work, "server");
    keygen(earshot, work, "client");
    char server_pub[41], client_pub[41], client_sec[41], stranger_pub[41], stranger_sec[41];
    snprintf(path, sizeof path, "%s/server.pub", work);
    read_key(path, server_pub);
    snprintf(path, sizeof path, "%s/client.pub", work);
    read_key(path, client_pub);
    snprintf(path, sizeof path, "%s/client.key", work);
    read_key(path, client_sec);
    CHECK(zmq_curve_keypair(stranger_pub, stranger_sec) == 0, "a stranger's keys");
    snprintf(path, sizeof path, "%s/curve.site.json", work);
    snprintf(config, sizeof config, "%s/curve_protected.site.json", work);
    write_curve_config(path, config, client_pub);
    snprintf(wav, sizeof wav, "%s/curve.wav", work);
    snprintf(err_path, sizeof err_path, "%s/curve.engine.stderr", work);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", free_port());

    void *zctx = zmq_ctx_new();
    void *subs[N_SUBS] = {open_sub(zctx, ep, server_pub, client_pub, client_sec),
                          open_sub(zctx, ep, server_pub, stranger_pub, stranger_sec),
                          open_sub(zctx, ep, NULL, NULL, NULL)};
    char *engine_argv[] = {(char *)earshot, "replay", "--config", config, "--realtime",
                           "--endpoint", ep, "--wait-subscribers", "1", "--wait-timeout",
                           "10000", "--quiet", wav, NULL};
    pid_t pid = start_engine(engine_argv, err_path);
    tally t[N_SUBS] = {{0}};
    double exit_after_last_s = 0.0;
    int status = receive(subs, t, pid, &exit_after_last_s);
    for (int i = 0; i < N_SUBS; i++) {
        printf("%s: %d messages (%d alerts, %d events, %d heartbeats)\n", sub_names[i],
               t[i].total, t[i].alerts, t[i].events, t[i].heartbeats);
        zmq_close(subs[i]);
    }
    zmq_ctx_term(zctx);
    printf("engine exited %.3f s after the last message; largest heartbeat gap %.3f s\n",
           exit_after_last_s, t[ALLOWED].max_hb_gap_s);

    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "engine exit status %d", status);
    CHECK(exit_after_last_s < 3.0, "the engine exits promptly (%.3f s)", exit_after_last_s);
    CHECK(t[ALLOWED].heartbeats >= 2 * AUDIO_S - 1 && t[ALLOWED].alerts >= 1 &&
              t[ALLOWED].events >= 1, "the listed subscriber gets heartbeats, alerts, events");
    CHECK(t[ALLOWED].seq_gaps == 0 && t[ALLOWED].max_hb_gap_s <= 1.0,
          "no gap in seq (%d), heartbeats at most 1 s apart", t[ALLOWED].seq_gaps);
    CHECK(t[STRANGER].total == 0 && t[PLAIN].total == 0, "the others receive nothing");
    CHECK(count_lines(err_path, "earshot: publish: refused a subscriber from 127.0.0.1 with an "
                      "unknown CURVE key ", stranger_pub) == 1,
          "one refusal line for the unknown key in %s", err_path);
    char on_ep[128];
    snprintf(on_ep, sizeof on_ep, "earshot: publish: refused a subscriber on %s", ep);
    CHECK(count_lines(err_path, on_ep, " without CURVE") == 1,
          "one line for the client without CURVE, which retries every 100 ms or so");
    CHECK(count_lines(err_path, "earshot: publish: CURVE: 1 subscriber key admitted; server "
                      "public key ", server_pub) == 1, "the server key is logged at start");
    CHECK(count_lines(err_path, client_pub, NULL) == 0, "the admitted key is never logged");
    if (check_failures != 0)
        dump(err_path);
    unlink(wav); /* generated audio is large; the rest stays for inspection */
    return check_report("test_curve_e2e");
}
