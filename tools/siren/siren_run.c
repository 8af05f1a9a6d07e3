/* earshot-siren's commands (see siren_run.h). */
#define _POSIX_C_SOURCE 200809L
#include "siren_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sub.h"

static siren_child *free_slot(siren_runner *r)
{
    for (int i = 0; i < SIREN_MAX_CHILDREN; i++)
        if (r->child[i].pid == 0)
            return &r->child[i];
    return NULL;
}

/* In the child: its own process group (so a timeout kills what the shell
 * started too), stdin from /dev/null, the extra environment, the shell. */
static _Noreturn void exec_child(const char *cmd, char *const *env, int n)
{
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        close(null_fd);
    }
    for (int i = 0; i < n; i++)
        putenv(env[i]);
    signal(SIGPIPE, SIG_DFL);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

int siren_run(siren_runner *r, const char *cmd, const char *what, char *const *env, int n,
              char *msg, size_t msg_size)
{
    siren_child *c = free_slot(r);
    if (c == NULL) {
        snprintf(msg, msg_size, "%s: not run, %d commands still running", what,
                 SIREN_MAX_CHILDREN);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msg_size, "%s: fork: %s", what, strerror(errno));
        return -1;
    }
    if (pid == 0)
        exec_child(cmd, env, n);
    setpgid(pid, pid); /* also here: no race with the kill of a timeout */
    c->pid = pid;
    snprintf(c->what, sizeof c->what, "%s", what);
    c->started_s = es_sub_now_s();
    return 0;
}

static void report_status(const siren_child *c, int status,
                          void (*report)(void *ctx, const char *line), void *ctx)
{
    char line[160];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (WIFEXITED(status))
        snprintf(line, sizeof line, "WARN command %s exited %d", c->what, WEXITSTATUS(status));
    else
        snprintf(line, sizeof line, "WARN command %s killed by signal %d", c->what,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    report(ctx, line);
}

void siren_reap(siren_runner *r, double now_s, void (*report)(void *ctx, const char *line),
                void *ctx)
{
    for (int i = 0; i < SIREN_MAX_CHILDREN; i++) {
        siren_child *c = &r->child[i];
        if (c->pid == 0)
            continue;
        int status = 0;
        pid_t got = waitpid(c->pid, &status, WNOHANG);
        if (got == c->pid || (got < 0 && errno == ECHILD)) {
            if (got == c->pid)
                report_status(c, status, report, ctx);
            c->pid = 0;
        } else if (r->timeout_s > 0.0 && now_s - c->started_s > r->timeout_s) {
            char line[160];
            snprintf(line, sizeof line, "WARN command %s still running after %.0f s: killed",
                     c->what, r->timeout_s);
            report(ctx, line);
            kill(-c->pid, SIGKILL);
            waitpid(c->pid, &status, 0);
            c->pid = 0;
        }
    }
}
