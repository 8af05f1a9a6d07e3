/* Earshot simulator: the scenario (scenes/NAME.json) as a C struct, and its
 * parser and validation.
 *
 * Scenario format (every key below; anything else is an error):
 *   seed             integer >= 0, default 1
 *   duration_s       (0, 3600], required
 *   sample_rate      integer 8000..192000, default 48000
 *   format           "pcm24" (default) | "pcm16" | "float"
 *   description      free text
 *   site             {name, origin: {lat, lon, alt_m}}, required
 *   full_scale_db_spl  peak SPL at 0 dBFS, [100, 200], default 140
 *   sensors          required; either a list [{id, e_m, n_m, u_m (1.5)}]
 *                    (channel = index) or a layout (ids S1..Sn):
 *                    {"layout": "ring", count, radius_m, u_m, rotation_deg}
 *                    {"layout": "line", count, length_m, bearing_deg, u_m}
 *                    {"layout": "clusters", clusters, per_cluster, spacing_m,
 *                     cluster_radius_m, u_m, rotation_deg}
 *   sensor_errors    {position_sigma_m (0), gain_sigma_db (0)}: the config
 *                    gets nominal positions = true + N(0, sigma) per axis;
 *                    each microphone a gain error N(0, sigma) dB
 *   sensor_faults    a list of broken sensors, at most one entry per sensor,
 *                    each naming at least one fault (they combine):
 *                    {sensor: id (required),
 *                     dead: true -> the channel carries only a dead preamp's
 *                       noise floor (white, -130 dBFS RMS; nothing of any
 *                       source; zeros once quantised to pcm16),
 *                     config_offset_m: [e, n, u] -> the site config gives
 *                       the position off by this vector (metres, each
 *                       within 10 km); the truth keeps the true one,
 *                     clock_offset_s: s -> the channel's samples are late
 *                       by this much ([-1, 1] s; negative: early), as from
 *                       an ADC clock or time stamp that is off: every
 *                       source is recorded exactly that much later,
 *                     gain_db: dB -> extra gain ([-60, 60]) on top of the
 *                       microphone's; the recording clips at full scale}.
 *                    The truth's sensors carry a "fault" object repeating
 *                    these; an arrival's t_s stays the physical arrival,
 *                    its "sample" is where it lies in the recording.
 *   atmosphere       true air: {temperature_c (15), humidity_pct (50),
 *                    pressure_kpa (101.325), wind_speed_mps (0),
 *                    wind_from_deg (0), absorption (true; false turns the
 *                    ISO 9613-1 filters off, for tests)}
 *   config_atmosphere  what the written site config says: {temperature_c,
 *                    wind_speed_mps, wind_from_deg}, each defaults to truth
 *   ground           {reflection (true), reflection_coeff (0.8)}
 *   noise            {ambient_db_spl, wind_noise (false),
 *                    wind_noise_db_spl_at_5mps (70), generator: {e_m, n_m,
 *                    u_m (1), level_db_spl_at_1m (95), hum_hz (50),
 *                    harmonics (8)}}; absent = silence
 *   publish          {endpoint}, default "tcp://127.0.0.1:5556"
 *   events           list of sources: mortar, rocket, artillery, impact,
 *                    gunshot, slam, thunder, backfire, generator_start,
 *                    gust; see sim_event below. */
#ifndef EARSHOT_SIM_SCENARIO_H
#define EARSHOT_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "air.h"
#include "earshot/config.h"
#include "earshot/status.h"

#define SIM_MAX_EVENTS 256
#define SIM_ID_MAX ES_SENSOR_ID_MAX

typedef enum { SIM_FMT_PCM24, SIM_FMT_PCM16, SIM_FMT_FLOAT } sim_format;

/* New types go at the end: the order is the truth's and the tests' index. */
typedef enum {
    SIM_MORTAR, SIM_ROCKET, SIM_ARTILLERY, SIM_IMPACT, SIM_GUNSHOT, SIM_SLAM, SIM_THUNDER,
    SIM_BACKFIRE, SIM_GENERATOR_START, SIM_GUST,
    SIM_N_TYPES
} sim_type;

/* One source. Every event: type, t_s (origin time, s after the first
 * sample; may be negative: the sound left before the recording began), and
 * optional level_db_spl_at_1m (peak SPL at 1 m; thunder: per channel
 * segment). Position: range_m + bearing_deg from the site origin, or e_m +
 * n_m; u_m (height, default 1 m; backfire 0.5 m). Slams instead:
 * near_sensor (id), distance_m, bearing_deg (direction from that sensor,
 * default away from the origin). Per type (defaults in source.c):
 *   mortar, impact, gunshot, backfire: duration_s (positive phase), rise_s
 *   artillery: duration_s, rise_s, and its shell's ballistic crack (crack.h):
 *            crack (false: not yet by default, the engine does not
 *            yet tell a crack's wavefront from a source's), shell_speed_mps (800; [100, 2000]),
 *            elevation_deg (35; [0, 85]); the shell flies from the gun
 *            toward the site origin; the truth's source gets
 *            "crack_arrivals" (output.c)
 *   rocket: duration_s (motor roar), roar_db_spl_at_1m (RMS), rise_s
 *   slam: duration_s (ring to -60 dB), freq_hz
 *   thunder: channel_top_m, segment_m, energy_j_per_m (no u_m: the channel
 *            starts on the ground)
 *   generator_start (genstart.h): a diesel generator cranked, then running:
 *            crank_s (1.2; [0.2, 5]: cranking time), crank_hz (10;
 *            [2, 40]: compression pulses per second), firing_hz (50;
 *            [5, 200]: fundamental of the running engine), duration_s (4;
 *            [1, 60]: running time from the catch to standstill),
 *            run_db_spl_at_1m (100; [40, 160]: RMS of the running engine
 *            at 1 m); crank_s x crank_hz must be at least one pulse;
 *            level_db_spl_at_1m is the peak of the loudest cranking pulse
 *            (110)
 *   gust (gust.h): wind turbulence at ONE microphone, no propagation and
 *            no position keys, nor level_db_spl_at_1m: sensor (id,
 *            required), duration_s (1.5; [0.1, 60]: from t_s to its end),
 *            rise_s (0.15; [0.01, 10], less than duration_s),
 *            level_db_spl (85; [20, 150]: RMS at the microphone at the
 *            gust's peak)
 * backfire, generator_start and gust are of kind and class "unknown" in
 * the truth, as gunshots, slams and thunder are. */
typedef struct {
    sim_type type;
    double t_s;
    double pos_m[3];
    double level_db;
    double duration_s;
    double rise_s;
    double roar_db;
    double freq_hz;
    double channel_top_m, segment_m, energy_j_per_m;
    /* artillery: the shell's crack */
    int crack;
    double shell_speed_mps, elevation_deg;
    /* generator_start */
    double crank_s, crank_hz, firing_hz, run_db;
    /* gust: the microphone it blows on (index into sensors) */
    size_t sensor;
} sim_event;

typedef struct {
    char id[SIM_ID_MAX];
    double pos_m[3];          /* true position */
    double config_m[3];       /* nominal position written to the config */
    double gain_db;           /* microphone gain error */
    /* Faults (sensor_faults); all zero for a healthy sensor. */
    int has_fault;
    int dead;                 /* only a noise floor is recorded */
    double config_offset_m[3]; /* added to the config's position */
    double clock_offset_s;    /* the recording is this much late */
    double fault_gain_db;     /* extra gain, before clipping */
} sim_sensor;

typedef struct {
    int present;
    double pos_m[3];
    double level_db;          /* RMS SPL of the whole hum at 1 m */
    double hum_hz;
    int harmonics;
} sim_generator;

typedef struct {
    int has_ambient;
    double ambient_db;        /* RMS SPL of the pink ambient noise */
    int wind_noise;
    double wind_db_at_5mps;   /* RMS SPL of wind noise at 5 m/s */
    sim_generator generator;
} sim_noise;

typedef struct {
    char name[256];           /* scenario name (file name) */
    char description[512];
    char site_name[128];
    double lat_deg, lon_deg, alt_m;
    uint64_t seed;
    double duration_s;
    int sample_rate;
    sim_format format;
    double full_scale_db;
    size_t n_sensors;
    sim_sensor sensors[ES_MAX_SENSORS];
    double position_sigma_m, gain_sigma_db;
    sim_air air;
    double cfg_temperature_c, cfg_wind_speed_mps, cfg_wind_from_deg;
    /* Written to the config only when the scenario gives them (< 0: not):
     * config_atmosphere.humidity_pct, .temperature_sigma_c and .pressure_kpa, and
     * config_detection.position_sigma_m (the survey accuracy stated). */
    double cfg_humidity_pct, cfg_temperature_sigma_c, cfg_position_sigma_m, cfg_pressure_kpa;
    int reflection;
    double reflection_coeff;
    sim_noise noise;
    char endpoint[ES_ENDPOINT_MAX];
    size_t n_events;
    sim_event events[SIM_MAX_EVENTS];
} sim_scenario;

/* Parses and validates; `name` is the scenario's name in messages
 * ("scenes/demo.json: events[2].range_m: ..."). ES_EINVAL on bad input. */
int sim_scenario_parse(const char *text, size_t len, const char *name, sim_scenario *sc,
                       es_error *err);

/* Checks that the scene fits in memory and that no source sits on a
 * sensor; call after overrides (duration). */
int sim_scenario_check(const sim_scenario *sc, es_error *err);

/* Draws the sensor errors from the scenario's seed (after any override). */
void sim_scenario_draw_errors(sim_scenario *sc);

const char *sim_type_name(sim_type t);

#endif
