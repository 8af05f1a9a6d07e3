/* es_sim_run_json / es_sim_run_file: parse, simulate, write (see sim.h). */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"
#include "render.h"
#include "scenario.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

static int apply_options(sim_scenario *sc, const es_sim_options *opt, es_error *err)
{
    if (opt == NULL)
        return ES_OK;
    if (opt->has_seed) {
        if (opt->seed > (uint64_t)INT64_MAX)
            return es_error_set(err, ES_EINVAL, "%s: seed %llu is larger than %lld", sc->name,
                                (unsigned long long)opt->seed, (long long)INT64_MAX);
        sc->seed = opt->seed;
    }
    if (opt->duration_s != 0.0) {
        if (!(opt->duration_s > 0.0 && opt->duration_s <= 3600.0))
            return es_error_set(err, ES_EINVAL, "%s: duration %g s is out of range (0, 3600]",
                                sc->name, opt->duration_s);
        sc->duration_s = opt->duration_s;
    }
    if (opt->endpoint != NULL) {
        size_t n = strlen(opt->endpoint);
        if (n == 0 || n >= sizeof sc->endpoint)
            return es_error_set(err, ES_EINVAL, "%s: endpoint \"%.300s\" is empty or too long",
                                sc->name, opt->endpoint);
        memcpy(sc->endpoint, opt->endpoint, n + 1);
    }
    return ES_OK;
}

/* mkdir -p */
static int make_dirs(const char *dir, es_error *err)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return es_error_set(err, ES_EINVAL, "output directory \"%s\" is empty or too long", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        struct stat st;
        if (stat(path, &st) != 0) {
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return es_error_set(err, ES_EIO, "cannot create %s: %s", path, strerror(errno));
        } else if (!S_ISDIR(st.st_mode)) {
            return es_error_set(err, ES_EIO, "%s is not a directory", path);
        }
        path[i] = c;
    }
    return ES_OK;
}

static int output_paths(const char *out_dir, const char *prefix, es_sim_outputs *o,
                        es_error *err)
{
    if (prefix == NULL || prefix[0] == '\0' || strchr(prefix, '/') != NULL)
        return es_error_set(err, ES_EINVAL, "prefix \"%s\" must be a non-empty file name",
                            prefix != NULL ? prefix : "");
    int a = snprintf(o->audio_path, sizeof o->audio_path, "%s/%s.wav", out_dir, prefix);
    int s = snprintf(o->site_path, sizeof o->site_path, "%s/%s.site.json", out_dir, prefix);
    int t = snprintf(o->truth_path, sizeof o->truth_path, "%s/%s.truth.json", out_dir, prefix);
    if (a < 0 || s < 0 || t < 0 || (size_t)t >= sizeof o->truth_path ||
        (size_t)a >= sizeof o->audio_path || (size_t)s >= sizeof o->site_path)
        return es_error_set(err, ES_EINVAL, "output path for \"%s\" is too long", prefix);
    return ES_OK;
}

static int simulate(const sim_scenario *sc, const es_sim_outputs *o, es_error *err)
{
    sim_render r;
    int st = ES_OK;
    if (sim_render_init(&r, sc) != 0 || sim_render_events(&r) != 0 || sim_render_noise(&r) != 0)
        st = es_error_set(err, ES_ENOMEM, "%s: out of memory while simulating", sc->name);
    if (st == ES_OK) {
        sim_render_finish(&r);
        st = sim_write_audio(&r, o->audio_path, err);
    }
    if (st == ES_OK)
        st = sim_write_site(sc, sc->endpoint, o->site_path, err);
    if (st == ES_OK)
        st = sim_write_truth(&r, base_name(o->audio_path), o->truth_path, err);
    sim_render_free(&r);
    return st;
}

int es_sim_run_json(const char *json_text, size_t len, const char *name,
                    const char *out_dir, const char *prefix,
                    const es_sim_options *opt, es_sim_outputs *out, es_error *err)
{
    if (json_text == NULL || out_dir == NULL || out == NULL)
        return es_error_set(err, ES_EINVAL, "es_sim_run_json: NULL argument");
    if (name == NULL)
        name = "scenario";
    memset(out, 0, sizeof *out);
    sim_scenario *sc = malloc(sizeof *sc);
    if (sc == NULL)
        return es_error_set(err, ES_ENOMEM, "%s: out of memory", name);
    es_sim_outputs o;
    int st = sim_scenario_parse(json_text, len, name, sc, err);
    if (st == ES_OK)
        st = apply_options(sc, opt, err);
    if (st == ES_OK)
        st = sim_scenario_check(sc, err);
    if (st == ES_OK)
        st = output_paths(out_dir, prefix, &o, err);
    if (st == ES_OK)
        st = make_dirs(out_dir, err);
    if (st == ES_OK) {
        sim_scenario_draw_errors(sc);
        st = simulate(sc, &o, err);
    }
    if (st == ES_OK)
        *out = o;
    free(sc);
    return st;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= ((size_t)64 << 20))
            break;
        char *more = realloc(buf, cap * 2);
        if (more == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int es_sim_run_file(const char *scenario_path, const char *out_dir, const char *prefix,
                    const es_sim_options *opt, es_sim_outputs *out, es_error *err)
{
    if (scenario_path == NULL)
        return es_error_set(err, ES_EINVAL, "es_sim_run_file: NULL scenario path");
    size_t len = 0;
    char *text = read_file(scenario_path, &len);
    if (text == NULL)
        return es_error_set(err, ES_ENOTFOUND, "%s: cannot read: %s", scenario_path,
                            errno != 0 ? strerror(errno) : "read error");
    int st = es_sim_run_json(text, len, scenario_path, out_dir, prefix, opt, out, err);
    free(text);
    return st;
}
