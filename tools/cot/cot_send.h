/* earshot-cot: where the documents go, as TAK expects them.
 *   udp://HOST:PORT   one datagram per document, unicast or multicast
 *                     (239.2.3.1:6969 is TAK's default SA multicast; the
 *                     multicast TTL/hops from --ttl)
 *   tcp://HOST:PORT   one persistent connection (TAK Server's plain
 *                     streaming input, or a console's TCP input), the
 *                     documents one after another
 *   -                 stdout, each document followed by a newline
 * Nothing here blocks: the TCP connection is made without waiting, a
 * document that cannot go at once (not connected, or the server not
 * reading) is dropped and said so, and the connection is retried with a
 * backoff. The subscriber loop calls cot_send_service often (every 100 ms)
 * to move the connection along. */
#ifndef EARSHOT_COT_SEND_H
#define EARSHOT_COT_SEND_H

#include <stddef.h>

#include "earshot/status.h"

#define COT_HOST_MAX 256

typedef enum { COT_TO_STDOUT, COT_TO_UDP, COT_TO_TCP } cot_transport;

typedef struct {
    cot_transport transport;
    char host[COT_HOST_MAX];   /* without the brackets of an IPv6 literal */
    char port[8];
} cot_target;

typedef struct cot_sender_s cot_sender;

/* Called with one line (no newline) for each change of the TCP link:
 * "TAK_CONNECTED url", "TAK_DISCONNECTED url reason=...". */
typedef void (*cot_report_fn)(void *ctx, const char *line);

/* Parses "udp://HOST:PORT", "tcp://HOST:PORT" or "-". ES_OK, or ES_EINVAL
 * with what is wrong. */
int cot_send_parse(const char *url, cot_target *target, es_error *err);

/* Resolves the host and makes the socket into *out (the TCP connection
 * is started by cot_send_service). ES_OK, or with the reason ES_EINVAL a
 * host that does not resolve, ES_EIO a socket that cannot be made,
 * ES_ENOMEM. */
int cot_send_create(const cot_target *target, int ttl, cot_report_fn report, void *ctx,
                    cot_sender **out, es_error *err);

/* Moves the TCP link along: starts or completes a connection attempt,
 * finishes a document half sent, reads and discards what the server sends
 * (TAK Server streams other clients' events), notices a closed link. */
void cot_send_service(cot_sender *s, double now_s);

/* Sends one document. 1 sent (handed to the kernel), 0 dropped (why in
 * err), ES_EIO stdout failed (a closed pipe: nothing more can go). */
int cot_send_document(cot_sender *s, const char *doc, size_t len, double now_s, es_error *err);

void cot_send_destroy(cot_sender **s);

#endif
