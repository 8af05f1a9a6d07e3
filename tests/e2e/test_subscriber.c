/* A real subscriber: a ZeroMQ SUB socket connected to `earshot replay`
 * (a separate process) receives alert, event and heartbeat messages with
 * consecutive seq, and exactly the bodies written to --events. The
 * analysis is stalled on purpose for 2.5 s mid-file (--test-stall): the
 * heartbeats must keep coming, at least one a second (their `t`).
 * usage: test_subscriber EARSHOT SITE.json AUDIO WORK_DIR */
#include <jansson.h>

#include "../dsp/check.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#define MAX_MSGS 4096


typedef struct {
    char topic[32];
    char *body;
} message;

static message msgs[MAX_MSGS];
static size_t n_msgs;

static pid_t start_engine(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        perror("execv");
        _exit(127);
    }
    return pid;
}

/* Receives two-frame messages until the engine has exited and nothing more
 * arrives for 3 s. Returns the engine's exit status. */
static int receive_all(void *sub, pid_t pid)
{
    int status = -1, exited = 0;
    for (;;) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, exited ? 3000 : 200);
        if (rc > 0 && n_msgs < MAX_MSGS) {
            message *m = &msgs[n_msgs];
            int len = zmq_recv(sub, m->topic, sizeof m->topic - 1, 0);
            int more = 0;
            size_t sz = sizeof more;
            zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &sz);
            CHECK(len > 0 && more, "topic frame then a body frame");
            m->topic[len > 0 ? len : 0] = '\0';
            zmq_msg_t body;
            zmq_msg_init(&body);
            int blen = zmq_msg_recv(&body, sub, 0);
            m->body = strndup(zmq_msg_data(&body), blen > 0 ? (size_t)blen : 0);
            zmq_msg_close(&body);
            n_msgs++;
            continue;
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid)
            exited = 1;
        else if (exited && rc == 0)
            return status;
    }
}

static void check_messages(void)
{
    size_t alerts = 0, events = 0, heartbeats = 0;
    long long prev = -1;
    double last_hb_t = 0.0, max_gap_s = 0.0, first_hb_t = 0.0;
    for (size_t i = 0; i < n_msgs; i++) {
        json_error_t je;
        json_t *o = json_loads(msgs[i].body, 0, &je);
        CHECK(json_is_object(o), "message %zu body is JSON: %s", i, je.text);
        json_t *seq = json_object_get(o, "seq");
        CHECK(json_is_integer(seq), "message %zu has an integer seq", i);
        long long s = json_integer_value(seq);
        CHECK(prev < 0 || s == prev + 1, "seq %lld follows %lld", s, prev);
        prev = s;
        const char *schema = json_string_value(json_object_get(o, "schema"));
        int hb = strcmp(msgs[i].topic, "heartbeat") == 0;
        CHECK(schema && strcmp(schema, hb ? "earshot.heartbeat/1" : "earshot.event/1") == 0,
               "schema of a %s", msgs[i].topic);
        alerts += strcmp(msgs[i].topic, "alert") == 0;
        events += strcmp(msgs[i].topic, "event") == 0;
        heartbeats += (size_t)hb;
        if (hb) {
            double t = json_number_value(json_object_get(o, "t"));
            if (last_hb_t > 0.0 && t - last_hb_t > max_gap_s)
                max_gap_s = t - last_hb_t;
            if (first_hb_t == 0.0)
                first_hb_t = t;
            last_hb_t = t;
        }
        json_decref(o);
    }
    printf("heartbeats over %.2f s, largest gap %.3f s\n", last_hb_t - first_hb_t, max_gap_s);
    CHECK(max_gap_s <= 1.0, "a heartbeat at least every second (largest gap %.3f s)", max_gap_s);
    CHECK(last_hb_t - first_hb_t >= 2.5, "heartbeats went on through the 2.5 s stall");
    printf("received %zu messages: %zu alerts, %zu events, %zu heartbeats, seq %lld..%lld\n",
           n_msgs, alerts, events, heartbeats, n_msgs ? (long long)0 : -1LL, prev);
    CHECK(alerts >= 1 && events >= 1 && heartbeats >= 2, "all three topics arrive");
}

/* The --events file holds the same bodies, in the same order. */
static void check_events_file(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "events file %s", path);
    if (f == NULL)
        return;
    char *line = NULL;
    size_t cap = 0, i = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        CHECK(i < n_msgs && strcmp(line, msgs[i].body) == 0, "events line %zu = message", i);
        i++;
    }
    CHECK(i == n_msgs, "%zu lines in the events file, %zu messages received", i, n_msgs);
    free(line);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s EARSHOT SITE.json AUDIO WORK_DIR\n", argv[0]);
        return 2;
    }
    char endpoint[512], events[512];
    snprintf(endpoint, sizeof endpoint, "ipc://%s/subscriber-test.sock", argv[4]);
    snprintf(events, sizeof events, "%s/subscriber-test.events.jsonl", argv[4]);
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    CHECK(zmq_connect(sub, endpoint) == 0, "connect %s", endpoint);
    char *engine_argv[] = {argv[1], "replay", "--config", argv[2], "--endpoint", endpoint,
                           "--wait-subscribers", "1", "--events", events, "--quiet",
                           "--test-stall", "5:2.5", argv[3], NULL};
    pid_t pid = start_engine(engine_argv);
    int status = receive_all(sub, pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "engine exit status %d", status);
    check_messages();
    check_events_file(events);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    for (size_t i = 0; i < n_msgs; i++)
        free(msgs[i].body);
    return check_report("test_subscriber");
}
