/* earshot-cot's document builder (tools/cot/cot_xml.c) on crafted
 * messages: the type table, times (rounding into the next minute; a live
 * t_origin as start), ce from CEP50, unknown hae and ce, messages that
 * cannot make a document. Writes a document of hostile text and a live
 * one into WORK_DIR for cot_xml.sh to validate and read back.
 * usage: test_cot_xml WORK_DIR */
#include <stdio.h>
#include <string.h>

#include "cot_xml.h"

static int failures;

#define CHECK(cond, ...)                                     \
    do {                                                     \
        if (!(cond)) {                                       \
            fprintf(stderr, "test_cot_xml: FAIL: " __VA_ARGS__); \
            fputc('\n', stderr);                             \
            failures++;                                      \
        }                                                    \
    } while (0)

static const cot_xml_options options = {"test", 300.0};

static json_t *message(const char *json)
{
    json_error_t e;
    json_t *body = json_loads(json, 0, &e);
    if (body == NULL)
        fprintf(stderr, "test_cot_xml: bad test JSON: %s\n", e.text);
    return body;
}

/* The document for json (ES_OK expected when want_ok) into doc. */
static int document(const char *json, char *doc, int want_ok)
{
    json_t *body = message(json);
    char uid[COT_UID_MAX];
    es_error err = {{0}};
    int rc = body != NULL ? cot_xml_document(body, &options, doc, COT_DOC_MAX, uid, &err) : -99;
    CHECK((rc == ES_OK) == want_ok, "%s: rc %d (%s)", json, rc, err.msg);
    json_decref(body);
    return rc;
}

static void test_types(void)
{
    static const char *table[][3] = {
        {"launch", "mortar", "a-h-G-E-W-O"},   {"launch", "rocket", "a-h-G-E-W-S"},
        {"launch", "artillery", "a-h-G-E-W-H"}, {"launch", "unknown", "a-h-G-E-W"},
        {"impact", "mortar", "b-d-i-m"},       {"impact", "unknown", "b-d-i"},
        {"unknown", "unknown", "b-d-a-i"},     {"unknown", "mortar", "b-d-a-i"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        CHECK(strcmp(cot_xml_type(table[i][0], table[i][1]), table[i][2]) == 0, "%s/%s -> %s",
              table[i][0], table[i][1], cot_xml_type(table[i][0], table[i][1]));
}

static void test_times(void)
{
    char t[32];
    cot_xml_time(1700000059.9996, t, sizeof t); /* 2023-11-14T22:14:19.9996 */
    CHECK(strcmp(t, "2023-11-14T22:14:20.000Z") == 0, "rounding: %s", t);
    cot_xml_time(1700000000.0004, t, sizeof t);
    CHECK(strcmp(t, "2023-11-14T22:13:20.000Z") == 0, "rounding down: %s", t);
}

#define BASE "\"id\":\"E7\",\"revision\":2,\"kind\":\"launch\",\"class\":\"rocket\""

static void test_values(void)
{
    char doc[COT_DOC_MAX];
    /* Live: t_origin is UNIX time, so it is start; stale 300 s after. */
    if (document("{" BASE ",\"t\":1700000003.5,\"t_origin\":1700000000.25,"
                 "\"position\":{\"lat\":-33.5,\"lon\":151.25,\"alt_m\":12.5},"
                 "\"uncertainty\":{\"cep50_m\":2.3548}}", doc, 1) == ES_OK) {
        CHECK(strstr(doc, " time=\"2023-11-14T22:13:23.500Z\" start=\"2023-11-14T22:13:20.250Z\" "
                          "stale=\"2023-11-14T22:18:20.250Z\"") != NULL, "live times: %s", doc);
        CHECK(strstr(doc, "<point lat=\"-33.50000000\" lon=\"151.25000000\" hae=\"12.50\" "
                          "ce=\"2.00\" le=\"9999999.0\"/>") != NULL, "live point: %s", doc);
        CHECK(strstr(doc, "uid=\"earshot.test.E7\" type=\"a-h-G-E-W-S\"") != NULL, "uid: %s", doc);
        CHECK(strstr(doc, "callsign=\"ROCKET E7\"") != NULL, "callsign: %s", doc);
    }
    /* Replay: t_origin counts from the file's start; no alt, no error. */
    if (document("{" BASE ",\"t\":1700000003.5,\"t_origin\":-4.5,"
                 "\"position\":{\"lat\":1,\"lon\":2}}", doc, 1) == ES_OK) {
        CHECK(strstr(doc, "start=\"2023-11-14T22:13:23.500Z\"") != NULL, "replay start: %s", doc);
        CHECK(strstr(doc, "hae=\"9999999.00\" ce=\"9999999.00\"") != NULL, "unknowns: %s", doc);
    }
}

static void test_refused(void)
{
    char doc[COT_DOC_MAX];
    document("{" BASE ",\"t\":1700000003.5}", doc, 0);                          /* no position */
    document("{" BASE ",\"t\":1700000003.5,\"position\":{\"lat\":95,\"lon\":0}}", doc, 0);
    document("{" BASE ",\"t\":1700000003.5,\"position\":{\"lat\":0,\"lon\":-181}}", doc, 0);
    document("{" BASE ",\"position\":{\"lat\":0,\"lon\":0}}", doc, 0);          /* no t */
    document("{" BASE ",\"t\":12.5,\"position\":{\"lat\":0,\"lon\":0}}", doc, 0); /* not UNIX */
    document("{\"id\":\"E1\",\"revision\":-1,\"kind\":\"launch\",\"class\":\"rocket\","
             "\"t\":1700000003.5,\"position\":{\"lat\":0,\"lon\":0}}", doc, 0);
    document("{\"id\":\"\",\"revision\":0,\"kind\":\"launch\",\"class\":\"rocket\","
             "\"t\":1700000003.5,\"position\":{\"lat\":0,\"lon\":0}}", doc, 0);
}

/* Every text copied from a message carries XML's special characters, a
 * newline and a control byte; cot_xml.sh reads them back. */
static const char hostile[] =
    "{\"id\":\"E1&<>\\\"'\",\"revision\":0,\"kind\":\"launch\","
    "\"class\":\"mortar\\\"<&>\\n\\u0001\",\"t\":1700000003.5,\"t_origin\":3.0,"
    "\"position\":{\"lat\":10,\"lon\":20},\"sensors\":[\"S1&\",\"S\\\"2<\",\"]]>\"]}";

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "test_cot_xml: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_cot_xml WORK_DIR\n");
        return 2;
    }
    test_types();
    test_times();
    test_values();
    test_refused();
    char doc[COT_DOC_MAX];
    if (document(hostile, doc, 1) == ES_OK) {
        CHECK(strchr(doc, '\n') == NULL && strchr(doc, '\001') == NULL, "not one line: %s", doc);
        failures += write_file(argv[1], "hostile.xml", doc);
    }
    if (document("{" BASE ",\"t\":1700000003.5,\"t_origin\":1700000000.25,"
                 "\"position\":{\"lat\":-33.5,\"lon\":151.25}}", doc, 1) == ES_OK)
        failures += write_file(argv[1], "live.xml", doc);
    if (failures == 0)
        printf("test_cot_xml: PASS\n");
    return failures == 0 ? 0 : 1;
}
