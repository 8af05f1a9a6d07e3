/* Earshot site config: publish.curve (extension, README "Encrypted
 * alerts"): the engine's secret key file and the public keys of the
 * subscribers it admits. The key file is read here, at load time, so a
 * missing or damaged key is a config error (exit 2) before anything binds. */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "config_internal.h"
#include "earshot/publisher.h"

static const char curve_path[] = "publish.curve";
static const char secret_path[] = "publish.curve.secret_key_file";
static const char clients_path[] = "publish.curve.client_public_keys";

/* A relative path is taken from the config file's directory, so a site
 * directory (config and keys) works from any working directory. */
static int resolve_path(const char *config_name, const char *path, char *dst, size_t n)
{
    const char *slash = strrchr(config_name, '/');
    int len;
    if (path[0] == '/' || slash == NULL)
        len = snprintf(dst, n, "%s", path);
    else
        len = snprintf(dst, n, "%.*s/%s", (int)(slash - config_name), config_name, path);
    return len >= 0 && (size_t)len < n ? ES_OK : ES_ERANGE;
}

/* A control character would break the one-line message that names it. */
static int has_control_byte(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int parse_secret_key(const cfg_ctx *ctx, json_t *curve, es_curve_config *c)
{
    static const cfg_str_rule rule = {.required = true, .max_bytes = ES_PATH_MAX - 1};
    char given[ES_PATH_MAX];
    TRY(cfg_get_string(ctx, curve, curve_path, "secret_key_file", &rule, given, sizeof given,
                       NULL));
    if (has_control_byte(given))
        return cfg_fail(ctx, secret_path, "the path contains a control character");
    if (resolve_path(ctx->name, given, c->secret_key_file, sizeof c->secret_key_file) != ES_OK)
        return cfg_fail(ctx, secret_path, "the path is longer than %d bytes in the directory "
                        "of the config", ES_PATH_MAX - 1);
    es_error kerr = {{0}};
    unsigned mode = 0;
    if (es_curve_key_file_read(c->secret_key_file, c->secret_key, &mode, &kerr) != ES_OK)
        return cfg_fail(ctx, secret_path, "%s", kerr.msg);
    /* Whoever reads the secret key can pose as this engine to every siren. */
    if ((mode & 077) != 0)
        cfg_warn(ctx, "%s: %s is open to group or others (mode %04o); chmod 600 it", secret_path,
                 c->secret_key_file, mode);
    return ES_OK;
}

static int parse_client_key(const cfg_ctx *ctx, json_t *elem, const char *path,
                            unsigned char key[ES_CURVE_KEY_BYTES])
{
    if (!json_is_string(elem))
        return cfg_fail(ctx, path, "must be a string, not %s", cfg_type_name(elem));
    const char *z85 = json_string_value(elem);
    size_t len = json_string_length(elem);
    if (es_curve_key_from_z85(z85, len, key) == ES_OK)
        return ES_OK;
    char q[96];
    cfg_quote(q, sizeof q, z85);
    if (len != ES_CURVE_KEY_Z85_LEN)
        return cfg_fail(ctx, path, "not a %d-character Z85 key (%s has %zu characters)",
                        ES_CURVE_KEY_Z85_LEN, q, len);
    return cfg_fail(ctx, path, "not a %d-character Z85 key (%s is not valid Z85)",
                    ES_CURVE_KEY_Z85_LEN, q);
}

static int parse_client_keys(const cfg_ctx *ctx, json_t *curve, es_curve_config *c)
{
    json_t *keys;
    TRY(cfg_get_array(ctx, curve, curve_path, "client_public_keys", &keys));
    size_t n = json_array_size(keys);
    if (n > ES_CURVE_MAX_CLIENTS)
        return cfg_fail(ctx, clients_path, "%zu keys given, at most %d are supported", n,
                        ES_CURVE_MAX_CLIENTS);
    if (n == 0)
        cfg_warn(ctx, "%s: the list is empty: every subscriber will be refused", clients_path);
    for (size_t i = 0; i < n; i++) {
        char path[CFG_PATH_MAX];
        cfg_path_index(path, sizeof path, clients_path, i);
        TRY(parse_client_key(ctx, json_array_get(keys, i), path, c->client_keys[i]));
        for (size_t j = 0; j < i; j++)
            if (memcmp(c->client_keys[i], c->client_keys[j], ES_CURVE_KEY_BYTES) == 0)
                return cfg_fail(ctx, path, "duplicates client_public_keys[%zu]", j);
    }
    c->n_client_keys = n;
    return ES_OK;
}

int cfg_parse_publish_curve(const cfg_ctx *ctx, json_t *publish, es_curve_config *c)
{
    static const char *const curve_keys[] = {"secret_key_file", "client_public_keys", NULL};
    json_t *curve;
    TRY(cfg_get_object(ctx, publish, "publish", "curve", false, &curve));
    if (curve == NULL)
        return ES_OK;
    if (!zmq_has("curve"))
        return cfg_fail(ctx, curve_path, "this libzmq was built without CURVE (zmq_has(\"curve\") "
                        "is false); install one built with libsodium, or remove publish.curve");
    cfg_warn_unknown_keys(ctx, curve, curve_path, curve_keys);
    TRY(parse_secret_key(ctx, curve, c));
    TRY(parse_client_keys(ctx, curve, c));
    c->enabled = 1;
    return ES_OK;
}
