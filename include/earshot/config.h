/* Earshot: the site config (../shared/CONTRACT.md section 2) as a C struct,
 * its loader and its validation.
 *
 * The loader reads the JSON file, checks every rule of the contract and fills
 * an es_site_config. On a bad file it returns ES_EINVAL and a one-line reason
 * that names the file and the JSON path of the offending key, e.g.
 *   "site.json: sensors[3].channel: -1 is negative".
 * Unknown keys are not errors: each is reported through the warning callback
 * ("site.json: unknown key sensors[0].gain ignored") and loading goes on. */
#ifndef EARSHOT_CONFIG_H
#define EARSHOT_CONFIG_H

#include <stddef.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Upper bound on sensors per site, so per-event arrays can be fixed size. */
#define ES_MAX_SENSORS 128
/* Localising on a plane with an unknown origin time needs 3 unknowns and
 * at least one redundant measurement. */
#define ES_MIN_SENSORS_TO_LOCATE 4
#define ES_SENSOR_ID_MAX 32
#define ES_ENDPOINT_MAX 256
/* CURVE keys (README "Encrypted alerts"): 32 bytes, written as 40 Z85
 * characters. */
#define ES_CURVE_KEY_BYTES 32
#define ES_CURVE_KEY_Z85_LEN 40
/* Sirens, consoles and relays of one camp: dozens, not thousands. */
#define ES_CURVE_MAX_CLIENTS 256
#define ES_PATH_MAX 1024

typedef struct {
    char id[ES_SENSOR_ID_MAX];   /* unique, non-empty */
    int channel;                 /* 0-based channel of the audio stream */
    double e_m, n_m, u_m;        /* metres east, north, up of site.origin */
} es_sensor_config;

typedef struct {
    double temperature_c;        /* default 15 */
    double wind_speed_mps;       /* default 0 */
    double wind_from_deg;        /* direction the wind blows FROM, default 0 */
    double humidity_pct;         /* extension, optional: relative humidity;
                                    -1 (default) = not measured */
    double pressure_kpa;         /* extension, optional: air pressure; absent:
                                    the standard atmosphere at site.origin.alt_m
                                    (0 in a struct not from a file: standard) */
    double temperature_sigma_c;  /* extension, optional: how far the air along
                                    the paths may be from temperature_c (1
                                    sigma); 0 = the default, 2 C */
} es_atmosphere_config;

/* Extension (README "Config extensions"): detection tuning, all optional. */
typedef struct {
    double band_lo_hz;           /* conditioning band-pass, default 40 */
    double band_hi_hz;           /* default 2000 (capped below Nyquist) */
    double trigger_db;           /* STA/LTA trigger ratio, default 12 dB */
    double launch_min_range_m;   /* launch rule; 0 = derive from the array */
    double full_scale_db_spl;    /* SPL at 0 dBFS, default 140 dB re 20 uPa */
    int min_sensors;             /* sensors an event needs; 0 = automatic:
                                    max(4, half the sensors, rounded up) */
    double position_sigma_m;     /* 1-sigma of each configured sensor
                                    position (survey accuracy), default 0.05 */
} es_detection_config;

/* Extension, optional: publish.curve. CURVE encryption and authentication
 * on the publish socket; only subscribers whose public key is listed get
 * through. The secret key is read from its file at load time. */
typedef struct {
    int enabled;                 /* publish.curve given */
    char secret_key_file[ES_PATH_MAX]; /* as opened: relative to the config
                                          file's directory */
    unsigned char secret_key[ES_CURVE_KEY_BYTES];
    size_t n_client_keys;        /* 0: every subscriber is refused */
    unsigned char client_keys[ES_CURVE_MAX_CLIENTS][ES_CURVE_KEY_BYTES];
} es_curve_config;

typedef struct {
    char name[128];
    double origin_lat_deg, origin_lon_deg, origin_alt_m;
    int sample_rate_hz;
    char device[256];            /* PortAudio device name or "default" */
    size_t n_sensors;
    es_sensor_config sensors[ES_MAX_SENSORS];
    es_atmosphere_config atmosphere;
    char endpoint[ES_ENDPOINT_MAX];
    es_curve_config curve;
    es_detection_config detection;
} es_site_config;

/* Callback for non-fatal findings (unknown keys). May be NULL. */
typedef void (*es_warn_fn)(void *ctx, const char *msg);

/* Load and validate `path`. On success returns ES_OK and fills *out. On
 * failure returns ES_EINVAL (bad content) or ES_EIO (cannot read) with the
 * reason in err. Never crashes on any input. */
int es_site_config_load(const char *path, es_site_config *out,
                        es_warn_fn warn, void *warn_ctx, es_error *err);

/* Same rules, on a JSON text held in memory; `name` is used in messages,
 * and a relative publish.curve.secret_key_file is taken from the directory
 * of `name` (the working directory when `name` has no '/'). */
int es_site_config_parse(const char *json_text, size_t len, const char *name,
                         es_site_config *out, es_warn_fn warn, void *warn_ctx,
                         es_error *err);

/* Checks the config against an audio stream: rate and channel count.
 * Messages name both, e.g.
 *   "site.json: sensors[3].channel: 9 is beyond the 8 channels of input.wav".
 * `config_name` and `stream_name` are used only in the message. */
int es_site_config_check_stream(const es_site_config *cfg,
                                const char *config_name,
                                const char *stream_name, int channels,
                                int sample_rate_hz, es_error *err);

/* Fills defaults for every optional field (used by the loader; exposed so
 * tests and tools can build configs in code). */
void es_site_config_defaults(es_site_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
