/* Names of event kinds and classes as the messages spell them
 * (CONTRACT.md section 3). A value outside the enum is reported as
 * "unknown" rather than trusted, so a corrupt event still serialises. */
#include "earshot/event.h"

const char *es_kind_name(es_kind k)
{
    switch (k) {
    case ES_KIND_LAUNCH: return "launch";
    case ES_KIND_IMPACT: return "impact";
    case ES_KIND_UNKNOWN: return "unknown";
    }
    return "unknown";
}

const char *es_class_name(es_class c)
{
    switch (c) {
    case ES_CLASS_MORTAR: return "mortar";
    case ES_CLASS_ROCKET: return "rocket";
    case ES_CLASS_ARTILLERY: return "artillery";
    case ES_CLASS_UNKNOWN: return "unknown";
    }
    return "unknown";
}
