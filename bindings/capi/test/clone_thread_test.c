/* C ABI test of the flux_open(3) clone scenario: a clone of a handle gets
 * its own reactor (flux_set_reactor), and a second thread runs that
 * reactor with message handlers on the clone, serving a service registered
 * through the clone, while the first thread runs its own reactor and makes
 * RPCs to that service.  The second thread is stopped by a message (an
 * event its own handler receives), never by a call from the other thread.
 * Needs a broker: FLUX_URI names it.
 *
 * flux-core's handles are not thread-safe: a handle and its clones share
 * one connection and one receive queue, so only one thread may use them at
 * a time.  So while the second thread owns h and its clone h2, the first
 * thread's RPCs go over a connection of its own (hc); it touches h again
 * only after joining the second thread.
 *
 * fluxgo's handles may be used from several threads, so against fluxgo a
 * second round does exactly what flux_open(3) describes: the first thread
 * makes its RPCs on the original handle h and runs h's reactor while the
 * second thread runs the clone's. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flux/core.h>
#include "tap.h"

#define NPINGS 10

static pthread_t main_thread, server_thread, server_self;
static flux_t *h, *h2;
static flux_reactor_t *r2;

/* written by the server thread, read by main after pthread_join */
static int pings_handled, pings_off_thread, stops_handled, stops_off_thread;
static int server_run_rc = -2, server_addvec_rc = -2;
static flux_reactor_t *server_reactor;

/* set by the server thread once its handlers exist, so that no request
 * arrives before there is a handler for it */
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int server_ready;

static void wait_server_ready (void)
{
    pthread_mutex_lock (&ready_lock);
    while (!server_ready)
        pthread_cond_wait (&ready_cond, &ready_lock);
    server_ready = 0;
    pthread_mutex_unlock (&ready_lock);
}

/* main thread only */
static int responses, responses_ok, responses_off_thread, last_count;

static void ping_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    int seq;

    if (!pthread_equal (pthread_self (), server_self))
        pings_off_thread++;
    pings_handled++;
    if (flux_request_unpack (msg, NULL, "{s:i}", "seq", &seq) < 0
        || flux_respond_pack (h, msg, "{s:i s:i}", "seq", seq, "count", pings_handled) < 0)
        fprintf (stderr, "ping_cb: unpack/respond failed\n");
}

static void stop_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    if (!pthread_equal (pthread_self (), server_self))
        stops_off_thread++;
    stops_handled++;
    flux_reactor_stop (flux_get_reactor (h));
}

static const struct flux_msg_handler_spec server_tab[] = {
    { FLUX_MSGTYPE_REQUEST, "ctclone.ping", ping_cb, 0 },
    { FLUX_MSGTYPE_EVENT, "ctclone.stop", stop_cb, 0 },
    FLUX_MSGHANDLER_TABLE_END,
};

static void *server_main (void *arg)
{
    flux_msg_handler_t **handlers = NULL;

    server_self = pthread_self ();
    server_reactor = flux_get_reactor (h2);
    server_addvec_rc = flux_msg_handler_addvec (h2, server_tab, NULL, &handlers);
    pthread_mutex_lock (&ready_lock);
    server_ready = 1;
    pthread_cond_signal (&ready_cond);
    pthread_mutex_unlock (&ready_lock);
    if (server_addvec_rc == 0)
        server_run_rc = flux_reactor_run (server_reactor, 0);
    flux_msg_handler_delvec (handlers);
    return NULL;
}

static void ping_cont (flux_future_t *f, void *arg)
{
    int expect = *(int *)arg;
    int seq = -1, count = 0;

    if (!pthread_equal (pthread_self (), main_thread))
        responses_off_thread++;
    responses++;
    if (flux_rpc_get_unpack (f, "{s:i s:i}", "seq", &seq, "count", &count) == 0 && seq == expect && count >= 1
        && count <= NPINGS)
        responses_ok++;
    if (count > last_count)
        last_count = count;
    if (responses == NPINGS)
        flux_reactor_stop (flux_future_get_reactor (f));
}

int main (void)
{
    flux_future_t *f, *pings[NPINGS];
    flux_t *hc;
    int seqs[NPINGS], rc, n = 0;
    const char *s = NULL;

    alarm (30); /* a hang is a failure, not a stuck test run */
    main_thread = pthread_self ();

    h = flux_open (NULL, 0);
    if (!ok (h != NULL, "flux_open (NULL, 0) reaches the broker"))
        return done_testing ();
    h2 = flux_clone (h);
    ok (h2 != NULL && (flux_flags_get (h2) & FLUX_O_CLONE), "flux_clone");
    r2 = flux_reactor_create (0);
    ok (flux_set_reactor (h2, r2) == 0 && flux_get_reactor (h2) == r2, "flux_set_reactor gives the clone a reactor");
    ok (flux_get_reactor (h) != r2, "the original handle keeps a reactor of its own");
    errno = 0;
    ok (flux_set_reactor (h2, r2) < 0 && errno == EEXIST, "a second flux_set_reactor fails with EEXIST");

    f = flux_service_register (h2, "ctclone");
    ok (f && flux_future_get (f, NULL) == 0, "flux_service_register ctclone through the clone");
    flux_future_destroy (f);
    ok (flux_event_subscribe (h2, "ctclone.") == 0, "flux_event_subscribe ctclone. through the clone");

    /* from here until the join, h and h2 belong to the server thread */
    ok (pthread_create (&server_thread, NULL, server_main, NULL) == 0, "start the server thread");
    wait_server_ready ();

    hc = flux_open (NULL, 0);
    ok (hc != NULL, "the main thread opens its own connection");
    for (int i = 0; i < NPINGS; i++) {
        seqs[i] = i;
        pings[i] = flux_rpc_pack (hc, "ctclone.ping", FLUX_NODEID_ANY, 0, "{s:i}", "seq", i);
        if (pings[i] && flux_future_then (pings[i], -1., ping_cont, &seqs[i]) == 0)
            n++;
    }
    ok (n == NPINGS, "%d ctclone.ping RPCs sent, with continuations", n);
    rc = flux_reactor_run (flux_get_reactor (hc), 0);
    ok (rc >= 0 && responses == NPINGS, "the main thread's reactor got every response (%d)", responses);
    ok (responses_ok == NPINGS && last_count == NPINGS, "each response answers its own request");
    ok (responses_off_thread == 0, "the continuations ran on the main thread");
    for (int i = 0; i < NPINGS; i++)
        flux_future_destroy (pings[i]);

    f = flux_event_publish (hc, "ctclone.stop", 0, NULL);
    ok (f && flux_future_get (f, NULL) == 0, "publish ctclone.stop");
    flux_future_destroy (f);
    ok (pthread_join (server_thread, NULL) == 0, "the server thread returns after the stop event");
    ok (pthread_equal (server_self, server_thread) && !pthread_equal (server_self, main_thread),
        "the server thread is a thread of its own");
    ok (server_reactor == r2 && server_addvec_rc == 0 && server_run_rc >= 0,
        "it ran the clone's reactor (run rc=%d)", server_run_rc);
    ok (pings_handled == NPINGS && pings_off_thread == 0, "all %d requests were handled on the server thread",
        pings_handled);
    ok (stops_handled == 1 && stops_off_thread == 0, "the stop event was handled there, by the clone's handler");

    if (fluxgo_only ()) {
        /* Round two: the main thread uses the original handle itself. */
        pings_handled = pings_off_thread = stops_handled = stops_off_thread = 0;
        responses = responses_ok = responses_off_thread = last_count = 0;
        server_run_rc = server_addvec_rc = -2;
        ok (pthread_create (&server_thread, NULL, server_main, NULL) == 0, "round two: start the server thread");
        wait_server_ready ();
        n = 0;
        for (int i = 0; i < NPINGS; i++) {
            pings[i] = flux_rpc_pack (h, "ctclone.ping", FLUX_NODEID_ANY, 0, "{s:i}", "seq", i);
            if (pings[i] && flux_future_then (pings[i], -1., ping_cont, &seqs[i]) == 0)
                n++;
        }
        ok (n == NPINGS, "round two: %d RPCs on the original handle, with continuations", n);
        rc = flux_reactor_run (flux_get_reactor (h), 0);
        ok (rc >= 0 && responses == NPINGS && responses_ok == NPINGS && responses_off_thread == 0,
            "round two: the original's reactor, on the main thread, got every response (%d, ok %d, off-thread %d)", responses, responses_ok, responses_off_thread);
        for (int i = 0; i < NPINGS; i++)
            flux_future_destroy (pings[i]);
        f = flux_event_publish (h, "ctclone.stop", 0, NULL);
        ok (f && flux_future_get (f, NULL) == 0, "round two: publish ctclone.stop on the original handle");
        flux_future_destroy (f);
        ok (pthread_join (server_thread, NULL) == 0 && server_run_rc >= 0, "round two: the server thread returns");
        ok (pings_handled == NPINGS && pings_off_thread == 0 && stops_handled == 1 && stops_off_thread == 0,
            "round two: the clone's handlers ran on the server thread (%d requests)", pings_handled);
    }

    /* the main thread owns h and h2 again */
    f = flux_rpc (h, "attr.get", "{\"name\":\"rank\"}", FLUX_NODEID_ANY, 0);
    ok (f && flux_rpc_get (f, &s) == 0 && s && strstr (s, "\"value\":\"0\""),
        "the original handle works after the join");
    flux_future_destroy (f);
    f = flux_service_unregister (h2, "ctclone");
    ok (f && flux_future_get (f, NULL) == 0, "flux_service_unregister through the clone");
    flux_future_destroy (f);
    f = flux_rpc (hc, "ctclone.ping", "{\"seq\":0}", FLUX_NODEID_ANY, 0);
    errno = 0;
    ok (f && flux_rpc_get (f, NULL) < 0 && errno == ENOSYS, "after that, ctclone.ping fails with ENOSYS");
    flux_future_destroy (f);

    flux_close (hc);
    flux_close (h2);
    flux_close (h);
    flux_reactor_destroy (r2); /* flux_set_reactor did not take it over */
    return done_testing ();
}
