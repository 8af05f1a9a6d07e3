/* Earshot site config: from a file to a JSON object. Reads at most
 * ES_CONFIG_MAX_BYTES from a regular file, checks that the text is UTF-8
 * without NUL bytes, and turns jansson's parse errors into messages with a
 * line, a column and, for the usual mistakes, a hint. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

/* 1-based line and column of byte `pos`, as an editor shows them. */
static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Length of the UTF-8 sequence starting at s[0..avail), 0 if malformed
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min_second = 0x80, max_second = 0xbf;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (c == 0xe0)
        min_second = 0xa0;
    else if (c == 0xed)
        max_second = 0x9f;
    else if (c == 0xf0)
        min_second = 0x90;
    else if (c == 0xf4)
        max_second = 0x8f;
    if (avail < len || s[1] < min_second || s[1] > max_second)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* A NUL byte or malformed UTF-8 means the file is not a JSON text at all
 * (a binary file, a UTF-16 export): say so before the JSON parser does. */
static int check_encoding(const cfg_ctx *ctx, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        size_t line, col, n = s[i] == 0 ? 0 : utf8_seq_len(s + i, len - i);
        if (n == 0) {
            line_col(text, i, &line, &col);
            return es_error_set(ctx->err, ES_EINVAL,
                                "%s: line %zu, column %zu: %s (byte 0x%02x); a config "
                                "must be UTF-8 JSON text",
                                ctx->name, line, col,
                                s[i] == 0 ? "NUL byte" : "not valid UTF-8", s[i]);
        }
        i += n;
    }
    return ES_OK;
}

/* The word (letters, digits, + - .) around byte `pos`, to recognise NaN
 * and Infinity, which jansson reports only as "invalid token". */
static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.';
}

static void word_near(const char *text, size_t len, size_t pos, char *dst, size_t n)
{
    size_t a = pos < len ? pos : len;
    while (a > 0 && is_word_char(text[a - 1]))
        a--;
    size_t b = a;
    while (b < len && b - a + 1 < n && is_word_char(text[b]))
        b++;
    memcpy(dst, text + a, b - a);
    dst[b - a] = '\0';
}

static bool is_non_finite_word(const char *w)
{
    if (w[0] == '-' || w[0] == '+')
        w++;
    return strcmp(w, "NaN") == 0 || strcmp(w, "nan") == 0 || strcmp(w, "Infinity") == 0 ||
           strcmp(w, "inf") == 0 || strcmp(w, "Inf") == 0;
}

static const char *parse_hint(const json_error_t *je, const char *text, size_t len)
{
    switch (json_error_code(je)) {
    case json_error_premature_end_of_input:
        return "the JSON text ends early (truncated file?)";
    case json_error_numeric_overflow:
        return "number too large to represent";
    case json_error_duplicate_key:
        return "a key appears twice in the same object";
    case json_error_invalid_syntax: {
        char w[32];
        word_near(text, len, (size_t)je->position, w, sizeof w);
        if (is_non_finite_word(w))
            return "NaN and Infinity are not JSON numbers";
        return "invalid JSON";
    }
    default:
        return "invalid JSON";
    }
}

/* The text need not end in a NUL, so no strspn. */
static bool only_white_space(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
            return false;
    return true;
}

int cfg_parse_text(const cfg_ctx *ctx, const char *text, size_t len, json_t **root)
{
    *root = NULL;
    if (only_white_space(text, len))
        return es_error_set(ctx->err, ES_EINVAL, "%s: the file is empty%s", ctx->name,
                            len == 0 ? "" : " (only white space)");
    if (len > ES_CONFIG_MAX_BYTES)
        return es_error_set(ctx->err, ES_EINVAL,
                            "%s: %zu bytes, larger than the %zu-byte limit for a site config",
                            ctx->name, len, ES_CONFIG_MAX_BYTES);
    int rc = check_encoding(ctx, text, len);
    if (rc != ES_OK)
        return rc;
    /* RFC 8259 lets a parser skip a UTF-8 byte order mark; jansson does not. */
    size_t skip = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    json_error_t je;
    json_t *j = json_loadb(text + skip, len - skip, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (j == NULL) {
        return es_error_set(ctx->err, ES_EINVAL, "%s: line %d, column %d: %s: %s", ctx->name,
                            je.line, je.column, parse_hint(&je, text + skip, len - skip),
                            je.text);
    }
    if (!json_is_object(j)) {
        es_error_set(ctx->err, ES_EINVAL,
                     "%s: the top level must be a JSON object {...}, not %s", ctx->name,
                     cfg_type_name(j));
        json_decref(j);
        return ES_EINVAL;
    }
    *root = j;
    return ES_OK;
}

static int read_all(int fd, const char *path, char *buf, size_t cap, size_t *len,
                    es_error *err)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return es_error_set(err, ES_EIO, "%s: cannot read: %s", path, strerror(errno));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *len = got;
    return ES_OK;
}

int cfg_read_regular_file(const char *path, const char *what, char *buf, size_t cap,
                          size_t *len, long long *size_bytes, unsigned *mode, es_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return es_error_set(err, ES_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = ES_OK;
    if (fstat(fd, &st) != 0)
        rc = es_error_set(err, ES_EIO, "%s: cannot stat: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = es_error_set(err, ES_EIO, "%s: %s, not a %s", path,
                          S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file", what);
    else
        rc = read_all(fd, path, buf, cap, len, err);
    close(fd);
    if (rc == ES_OK && size_bytes != NULL)
        *size_bytes = (long long)st.st_size;
    if (rc == ES_OK && mode != NULL)
        *mode = (unsigned)(st.st_mode & 07777);
    return rc;
}

int es_site_config_load(const char *path, es_site_config *out, es_warn_fn warn,
                        void *warn_ctx, es_error *err)
{
    if (path == NULL || out == NULL)
        return es_error_set(err, ES_EINVAL, "es_site_config_load: NULL %s",
                            path == NULL ? "path" : "output");
    char *buf = malloc(ES_CONFIG_MAX_BYTES + 1);
    if (buf == NULL)
        return es_error_set(err, ES_ENOMEM, "%s: out of memory", path);
    /* One byte over the limit, so a file that grew after fstat is seen as
     * oversized too. */
    size_t len = 0;
    long long size = 0;
    int rc = cfg_read_regular_file(path, "config file", buf, ES_CONFIG_MAX_BYTES + 1, &len,
                                   &size, NULL, err);
    if (rc == ES_OK && (unsigned long long)size > ES_CONFIG_MAX_BYTES)
        rc = es_error_set(err, ES_EINVAL,
                          "%s: %lld bytes, larger than the %zu-byte limit for a site config",
                          path, size, ES_CONFIG_MAX_BYTES);
    if (rc == ES_OK)
        rc = es_site_config_parse(buf, len, path, out, warn, warn_ctx, err);
    free(buf);
    return rc;
}
