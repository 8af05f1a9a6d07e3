/* The publisher's CURVE guard (engine/publisher_curve.c): makes the publish
 * socket a CURVE server and answers its ZAP requests (RFC 27) on a thread
 * of its own, admitting only the configured subscriber keys. Not a public
 * header: es_publisher_create uses it when site->curve is enabled. */
#ifndef EARSHOT_ENGINE_PUBLISHER_CURVE_H
#define EARSHOT_ENGINE_PUBLISHER_CURVE_H

#include "earshot/config.h"
#include "earshot/publisher.h"
#include "earshot/status.h"

typedef struct es_zap_s *es_zap;

typedef struct {
    void *zctx;                  /* the publish socket's context: ZAP is per context */
    void *sock;                  /* the publish socket, not bound yet */
    const es_curve_config *curve;/* copied: the thread reads its own copy */
    es_log_fn log;               /* refusals, called from the ZAP thread */
    void *log_ctx;
} es_zap_config;

/* Sets ZMQ_CURVE_SERVER and the secret key on cfg->sock, binds the ZAP
 * endpoint of cfg->zctx, watches cfg->sock for failed handshakes and starts
 * the thread that serves both. Call before cfg->sock binds: a CURVE server
 * whose context has no ZAP handler admits any client key. */
es_zap es_zap_create(const es_zap_config *cfg, es_error *err);

/* Joins the thread, which closes its sockets and ends when the context is
 * terminated: call it after zmq_ctx_term has returned. Sets *z to NULL. */
void es_zap_destroy(es_zap *z);

#endif
