/* earshot keygen PREFIX: a CURVE key pair for the publish socket
 * (publish.curve) or for a subscriber, in PREFIX.key (secret, 0600) and
 * PREFIX.pub (public, 0644). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "earshot/publisher.h"

static const char keygen_usage[] =
    "usage: earshot keygen PREFIX\n"
    "\n"
    "Makes a CURVE key pair for encrypted, authenticated alerts (the engine's\n"
    "publish.curve, or a subscriber's --key-file) and writes:\n"
    "  PREFIX.key   the secret key, mode 0600: keep it on this machine\n"
    "  PREFIX.pub   the public key, mode 0644: give it to the other side\n"
    "each as one line of 40 Z85 characters. An existing file is never\n"
    "overwritten (exit 2). Prints the public key.\n"
    "\n"
    "options:\n"
    "  -h, --help   this help\n";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "earshot: keygen: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fputs(keygen_usage, stderr);
    return ES_EXIT_USAGE;
}

/* PREFIX, or NULL after printing why (*help set for --help). */
static const char *parse_args(int argc, char **argv, int *help)
{
    const char *prefix = NULL;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (!options_done && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            *help = 1;
            return NULL;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            usage_error("unknown option", arg);
            return NULL;
        } else if (prefix != NULL) {
            usage_error("unexpected argument", arg);
            return NULL;
        } else if (arg[0] == '\0') {
            usage_error("PREFIX is empty", NULL);
            return NULL;
        } else {
            prefix = arg;
        }
    }
    if (prefix == NULL)
        usage_error("PREFIX is required (e.g. earshot keygen /etc/earshot/engine)", NULL);
    return prefix;
}

int es_cmd_keygen(int argc, char **argv)
{
    int help = 0;
    const char *prefix = parse_args(argc, argv, &help);
    if (help) {
        fputs(keygen_usage, stdout);
        return ES_EXIT_OK;
    }
    if (prefix == NULL)
        return ES_EXIT_USAGE;
    char public_z85[ES_CURVE_KEY_Z85_LEN + 1];
    es_error err = {{0}};
    int rc = es_curve_keypair_write(prefix, public_z85, &err);
    if (rc != ES_OK) {
        fprintf(stderr, "earshot: keygen: %s\n", err.msg);
        return rc == ES_EINVAL ? ES_EXIT_USAGE : ES_EXIT_RUNTIME;
    }
    printf("%s.key: secret key (mode 0600)\n%s.pub: public key %s\n", prefix, prefix, public_z85);
    return ES_EXIT_OK;
}
