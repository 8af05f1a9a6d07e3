/* The subscriber tools' common options (see sub.h). */
#define _POSIX_C_SOURCE 200809L
#include "sub.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

static int copy_value(const char *option, const char *value, char *dst, size_t size,
                      es_error *err)
{
    if (value == NULL || value[0] == '\0')
        return es_error_set(err, ES_EINVAL, "%s needs a value", option);
    if (strlen(value) >= size)
        return es_error_set(err, ES_EINVAL, "%s: value too long (at most %zu characters)",
                            option, size - 1);
    memcpy(dst, value, strlen(value) + 1);
    return ES_OK;
}

int es_sub_parse_option(int argc, char **argv, int *i, es_sub_config *cfg, es_error *err)
{
    const char *opt = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    char *dst;
    size_t size;
    if (strcmp(opt, "--connect") == 0) {
        dst = cfg->endpoint;
        size = sizeof cfg->endpoint;
    } else if (strcmp(opt, "--server-key") == 0) {
        dst = cfg->server_key;
        size = sizeof cfg->server_key;
    } else if (strcmp(opt, "--key-file") == 0) {
        dst = cfg->key_file;
        size = sizeof cfg->key_file;
    } else {
        return 0;
    }
    int rc = copy_value(opt, value, dst, size, err);
    if (rc != ES_OK)
        return rc;
    *i += 1;
    return 1;
}

int es_sub_check_config(const es_sub_config *cfg, es_error *err)
{
    if (cfg->endpoint[0] == '\0')
        return es_error_set(err, ES_EINVAL, "--connect ENDPOINT is required");
    uint8_t raw[32];
    if (cfg->server_key[0] != '\0' &&
        (strlen(cfg->server_key) != 40 || zmq_z85_decode(raw, cfg->server_key) == NULL))
        return es_error_set(err, ES_EINVAL,
                            "--server-key: not a CURVE public key (40 Z85 characters)");
    if (cfg->server_key[0] != '\0' && cfg->key_file[0] == '\0')
        return es_error_set(err, ES_EINVAL,
                            "--server-key needs --key-file (this subscriber's secret key)");
    if (cfg->server_key[0] == '\0' && cfg->key_file[0] != '\0')
        return es_error_set(err, ES_EINVAL, "--key-file needs --server-key (the engine's key)");
    return ES_OK;
}

void es_sub_handle_stop_signals(void (*handler)(int))
{
    struct sigaction sa = {.sa_handler = handler};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}
