/* C ABI tests of the message dispatcher (flux_msg_handler_create(3),
 * flux_msg_handler_addvec(3), flux_msg_handler_allow_rolemask(3)) over
 * loop://, where every message sent comes back to the same handle.  The
 * handle's own reactor (flux_get_reactor) drives the dispatcher. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

static flux_t *h;
static flux_reactor_t *r;
static pthread_t main_thread;
static int callbacks, foreign_callbacks, guard_fired;

/* Deliveries are logged as "name:topic " (name is the handler's arg). */
static char log_buf[2048];
static uint32_t last_rolemask;

static void note_callback (void)
{
    callbacks++;
    if (!pthread_equal (pthread_self (), main_thread))
        foreign_callbacks++;
}

static void log_reset (void)
{
    log_buf[0] = '\0';
}

static void log_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    const char *topic = "?";
    size_t len = strlen (log_buf);

    note_callback ();
    (void)flux_msg_get_topic (msg, &topic);
    if (strcmp (topic, "test.stop") == 0)
        return;
    (void)flux_msg_get_rolemask (msg, &last_rolemask);
    snprintf (log_buf + len, sizeof (log_buf) - len, "%s:%s ", (const char *)arg, topic);
}

/* Responses are kept for inspection (the last one) and logged. */
static flux_msg_t *last_response;

static void response_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    log_cb (h, mh, msg, arg);
    flux_msg_decref (last_response);
    last_response = flux_msg_copy (msg, true);
}

static void stop_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    note_callback ();
    flux_reactor_stop (flux_get_reactor (h));
}

static void guard_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    guard_fired++;
    flux_reactor_stop_error (r);
}

static int send_event (const char *topic, uint32_t rolemask)
{
    flux_msg_t *msg = flux_event_encode (topic, NULL);
    int rc = -1;

    if (msg && (rolemask == FLUX_ROLE_NONE || flux_msg_set_rolemask (msg, rolemask) == 0))
        rc = flux_send (h, msg, 0);
    flux_msg_destroy (msg);
    return rc;
}

static int send_request (const char *topic, uint32_t rolemask, uint32_t matchtag)
{
    flux_msg_t *msg = flux_request_encode (topic, NULL);
    int rc = -1;

    if (msg && (rolemask == FLUX_ROLE_NONE || flux_msg_set_rolemask (msg, rolemask) == 0)
        && flux_msg_set_matchtag (msg, matchtag) == 0)
        rc = flux_send (h, msg, 0);
    flux_msg_destroy (msg);
    return rc;
}

/* Queue a "test.stop" event behind whatever was sent and run the reactor
 * until its handler stops it: everything queued before it is dispatched.
 * Responses the dispatcher generates meanwhile are queued after it, so a
 * second drain () dispatches those.  After flux_reactor_stop, run returns
 * the number of still active watchers (the handle watcher's), so only a
 * failure (the guard timer) is an error here. */
static int drain (void)
{
    if (send_event ("test.stop", FLUX_ROLE_NONE) < 0)
        return -1;
    return flux_reactor_run (r, 0) < 0 ? -1 : 0;
}

static flux_msg_handler_t *stop_mh;

static void test_create (void)
{
    flux_msg_handler_t *mh;
    flux_watcher_t *hw;

    errno = 0;
    ok (flux_msg_handler_create (NULL, FLUX_MATCH_ANY, log_cb, NULL) == NULL && errno == EINVAL,
        "flux_msg_handler_create with a NULL handle fails with EINVAL");
    errno = 0;
    ok (flux_msg_handler_create (h, FLUX_MATCH_ANY, NULL, NULL) == NULL && errno == EINVAL,
        "flux_msg_handler_create with a NULL callback fails with EINVAL");

    hw = flux_get_handle_watcher (h);
    ok (hw != NULL && flux_get_handle_watcher (h) == hw, "flux_get_handle_watcher returns the same watcher twice");
    ok (flux_handle_watcher_get_flux (hw) == h, "it is a handle watcher on h");
    ok (!flux_watcher_is_active (hw), "it is inactive while no handler runs");

    mh = flux_msg_handler_create (h, FLUX_MATCH_EVENT, log_cb, "ev");
    ok (mh != NULL, "flux_msg_handler_create FLUX_MATCH_EVENT");
    ok (send_event ("a.b", FLUX_ROLE_NONE) == 0, "send an event to loop://");
    log_reset ();
    ok (flux_reactor_run (r, 0) == 0 && log_buf[0] == '\0',
        "a handler is created stopped: run returns 0 at once, nothing is delivered");
    flux_msg_handler_start (mh);
    flux_msg_handler_start (mh);
    ok (flux_watcher_is_active (hw), "starting a handler starts the handle watcher");
    flux_msg_handler_start (stop_mh);
    ok (drain () == 0 && strcmp (log_buf, "ev:a.b ") == 0, "once started, the queued event is delivered (%s)",
        log_buf);
    flux_msg_handler_stop (mh);
    flux_msg_handler_stop (mh);
    ok (flux_watcher_is_active (hw), "the handle watcher stays active while a handler runs");
    flux_msg_handler_stop (stop_mh);
    ok (!flux_watcher_is_active (hw), "stopping the last running handler stops the handle watcher");
    flux_msg_handler_start (stop_mh);
    flux_msg_handler_destroy (mh);
    flux_msg_handler_destroy (NULL);
    flux_msg_handler_stop (NULL);
    flux_msg_handler_allow_rolemask (NULL, FLUX_ROLE_USER);
    flux_msg_handler_deny_rolemask (NULL, FLUX_ROLE_USER);
    ok (1, "flux_msg_handler_destroy/stop/allow_rolemask/deny_rolemask (NULL) are no-ops");
    if (fluxgo_only ()) {
        /* flux-core dereferences it */
        flux_msg_handler_start (NULL);
        ok (1, "flux_msg_handler_start (NULL) is a no-op");
    }
}

static flux_msg_handler_t *mk (int typemask, uint32_t matchtag, const char *glob, flux_msg_handler_f cb,
                               const char *name)
{
    struct flux_match match = FLUX_MATCH_ANY;
    flux_msg_handler_t *mh;

    match.typemask = typemask;
    match.matchtag = matchtag;
    match.topic_glob = (char *)glob;
    if ((mh = flux_msg_handler_create (h, match, cb, (void *)name)))
        flux_msg_handler_start (mh);
    return mh;
}

static void test_matching (void)
{
    flux_msg_handler_t *req, *exact, *glob, *ev, *any;

    req = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, NULL, log_cb, "req");
    ev = mk (FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, NULL, log_cb, "ev");
    exact = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "foo.bar", log_cb, "exact");
    glob = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "foo.*", log_cb, "glob");
    ok (req && ev && exact && glob, "request, event, exact-topic and glob handlers created");

    log_reset ();
    send_event ("foo.bar", FLUX_ROLE_NONE);
    send_request ("zzz.q", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    ok (drain () == 0 && strcmp (log_buf, "ev:foo.bar req:zzz.q ") == 0,
        "the type mask selects: events to the event handler, requests to a request handler (%s)", log_buf);

    log_reset ();
    send_request ("foo.baz", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    send_request ("foo.bar", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    send_request ("foox", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    ok (drain () == 0 && strcmp (log_buf, "glob:foo.baz exact:foo.bar req:foox ") == 0,
        "the exact topic wins; otherwise the newest matching handler (glob before the older catch-all) (%s)",
        log_buf);

    any = mk (FLUX_MSGTYPE_ANY, FLUX_MATCHTAG_NONE, NULL, log_cb, "any");
    log_reset ();
    send_request ("foo.baz", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    send_request ("foo.bar", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    ok (drain () == 0 && strcmp (log_buf, "any:foo.baz exact:foo.bar ") == 0,
        "a newer FLUX_MATCH_ANY handler takes non-exact requests (%s)", log_buf);

    log_reset ();
    send_event ("e.x", FLUX_ROLE_NONE);
    ok (drain () == 0 && strstr (log_buf, "any:e.x ") && strstr (log_buf, "ev:e.x ") && strlen (log_buf) == 15,
        "an event goes to every matching handler (%s)", log_buf);

    flux_msg_handler_destroy (any);
    flux_msg_handler_destroy (glob);
    log_reset ();
    send_request ("foo.baz", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
    ok (drain () == 0 && strcmp (log_buf, "req:foo.baz ") == 0, "destroyed handlers no longer match (%s)", log_buf);

    flux_msg_handler_stop (req);
    {
        flux_msg_handler_t *resp = mk (FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL, response_cb, "resp");
        log_reset ();
        send_request ("foo.baz", FLUX_ROLE_NONE, FLUX_MATCHTAG_NONE);
        drain ();
        ok (drain () == 0 && strcmp (log_buf, "resp:foo.baz ") == 0,
            "a stopped handler no longer matches: the request gets a response (%s)", log_buf);
        flux_msg_handler_destroy (resp);
    }

    {
        flux_msg_handler_t *evglob, *evexact, *other;
        evglob = mk (FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, "e.*", log_cb, "evglob");
        evexact = mk (FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, "e.x", log_cb, "evexact");
        other = mk (FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, "f.*", log_cb, "other");
        log_reset ();
        send_event ("e.x", FLUX_ROLE_NONE);
        ok (drain () == 0 && strstr (log_buf, "evglob:e.x ") && strstr (log_buf, "evexact:e.x ")
            && strstr (log_buf, "ev:e.x ") && !strstr (log_buf, "other"),
            "event topic globs and exact topics all match, others do not (%s)", log_buf);
        flux_msg_handler_destroy (evglob);
        flux_msg_handler_destroy (evexact);
        flux_msg_handler_destroy (other);
    }
    flux_msg_handler_destroy (req);
    flux_msg_handler_destroy (ev);
    flux_msg_handler_destroy (exact);
}

/* A response built from a request the way a server would build it. */
static int send_response (const char *topic, uint32_t matchtag)
{
    flux_msg_t *req = flux_request_encode (topic, NULL);
    flux_msg_t *resp = NULL;
    int rc = -1;

    if (req && flux_msg_set_matchtag (req, matchtag) == 0 && (resp = flux_response_derive (req, 0)))
        rc = flux_send (h, resp, 0);
    flux_msg_destroy (resp);
    flux_msg_destroy (req);
    return rc;
}

static void test_matchtag (void)
{
    uint32_t t1 = flux_matchtag_alloc (h);
    uint32_t t2 = flux_matchtag_alloc (h);
    flux_msg_handler_t *tag, *resp;

    ok (t1 != FLUX_MATCHTAG_NONE && t2 != FLUX_MATCHTAG_NONE && t1 != t2, "two matchtags allocated");
    tag = mk (FLUX_MSGTYPE_RESPONSE, t1, NULL, log_cb, "tag");
    resp = mk (FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL, log_cb, "resp");
    ok (tag && resp, "a response handler for one matchtag and a catch-all response handler");
    log_reset ();
    send_response ("r.two", t2);
    send_response ("r.one", t1);
    ok (drain () == 0 && strcmp (log_buf, "resp:r.two tag:r.one ") == 0,
        "the response with the handler's matchtag goes to it, the other to the newer catch-all (%s)", log_buf);
    flux_msg_handler_destroy (tag);
    log_reset ();
    send_response ("r.one", t1);
    ok (drain () == 0 && strcmp (log_buf, "resp:r.one ") == 0,
        "after the matchtag handler is destroyed its responses go to the catch-all (%s)", log_buf);
    flux_msg_handler_destroy (resp);
    flux_matchtag_free (h, t1);
    flux_matchtag_free (h, t2);
}

static void test_enosys (void)
{
    flux_msg_handler_t *resp = mk (FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL, response_cb, "resp");
    const char *errstr = NULL, *topic = NULL;
    int errnum = 0;

    log_reset ();
    send_request ("x.y", FLUX_ROLE_NONE, 42);
    send_event ("nobody.listens", FLUX_ROLE_NONE);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "resp:x.y ") == 0,
        "an unmatched request is answered, an unmatched event is dropped (%s)", log_buf);
    if (last_response) {
        (void)flux_msg_get_errnum (last_response, &errnum);
        (void)flux_response_decode_error (last_response, &errstr);
    }
    ok (errnum == ENOSYS, "the answer is an ENOSYS error response (errnum=%d)", errnum);
    ok (errstr && strcmp (errstr, "Unknown service method 'x.y'") == 0,
        "with the text \"Unknown service method 'x.y'\" (got '%s')", errstr ? errstr : "(null)");
    errno = 0;
    ok (last_response && flux_response_decode (last_response, &topic, NULL) < 0 && errno == ENOSYS,
        "flux_response_decode of it fails with ENOSYS");
    {
        uint32_t tag = 0;
        ok (last_response && flux_msg_get_matchtag (last_response, &tag) == 0 && tag == 42,
            "the response carries the request's matchtag");
    }
    flux_msg_handler_destroy (resp);
}

static void test_rolemask (void)
{
    flux_msg_handler_t *resp = mk (FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL, response_cb, "resp");
    flux_msg_handler_t *own = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "priv.op", log_cb, "own");
    flux_msg_handler_t *glob = NULL, *ev;
    const char *errstr = NULL;
    int errnum = 0;

    log_reset ();
    send_request ("priv.op", FLUX_ROLE_NONE, 0);
    ok (drain () == 0 && strcmp (log_buf, "own:priv.op ") == 0 && last_rolemask == FLUX_ROLE_OWNER,
        "loop:// gives a request sent without a rolemask FLUX_ROLE_OWNER; it is delivered");

    log_reset ();
    send_request ("priv.op", FLUX_ROLE_USER, 0);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "resp:priv.op ") == 0,
        "a FLUX_ROLE_USER request to an owner-only handler is not delivered but answered (%s)", log_buf);
    if (last_response) {
        (void)flux_msg_get_errnum (last_response, &errnum);
        (void)flux_response_decode_error (last_response, &errstr);
    }
    ok (errnum == EPERM, "with EPERM (errnum=%d)", errnum);
    ok (errstr && strcmp (errstr, "Request requires owner credentials") == 0,
        "and the text 'Request requires owner credentials' (got '%s')", errstr ? errstr : "(null)");

    flux_msg_handler_allow_rolemask (own, FLUX_ROLE_USER);
    log_reset ();
    send_request ("priv.op", FLUX_ROLE_USER, 0);
    ok (drain () == 0 && strcmp (log_buf, "own:priv.op ") == 0 && last_rolemask == FLUX_ROLE_USER,
        "after flux_msg_handler_allow_rolemask (USER) it is delivered, rolemask kept by loop:// (%s)", log_buf);

    flux_msg_handler_deny_rolemask (own, FLUX_ROLE_USER | FLUX_ROLE_OWNER);
    log_reset ();
    send_request ("priv.op", FLUX_ROLE_USER, 0);
    send_request ("priv.op", FLUX_ROLE_OWNER, 0);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "own:priv.op resp:priv.op ") == 0,
        "deny_rolemask (USER|OWNER) denies USER again but keeps OWNER (%s)", log_buf);

    /* a handler allowing more than the owner has the other text */
    flux_msg_handler_allow_rolemask (own, FLUX_ROLE_ADMIN);
    glob = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "priv.*", log_cb, "glob");
    flux_msg_handler_allow_rolemask (glob, FLUX_ROLE_USER);
    log_reset ();
    send_request ("priv.op", FLUX_ROLE_USER, 0);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "resp:priv.op ") == 0,
        "a denied request is not passed on to another matching handler that would allow it (%s)", log_buf);
    errstr = NULL;
    if (last_response)
        (void)flux_response_decode_error (last_response, &errstr);
    ok (errstr && strcmp (errstr, "Request rejected due to insufficient privilege") == 0,
        "a handler with roles beyond owner answers 'Request rejected due to insufficient privilege' (got '%s')",
        errstr ? errstr : "(null)");

    ev = mk (FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, "priv.*", log_cb, "ev");
    log_reset ();
    send_event ("priv.ev", FLUX_ROLE_USER);
    send_event ("priv.ev2", FLUX_ROLE_OWNER);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "ev:priv.ev2 ") == 0,
        "an event without the role is silently dropped (%s)", log_buf);
    flux_msg_handler_destroy (ev);
    flux_msg_handler_destroy (glob);
    flux_msg_handler_destroy (own);
    flux_msg_handler_destroy (resp);
}

static void test_override (void)
{
    flux_msg_handler_t *a = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "dup.x", log_cb, "a");
    flux_msg_handler_t *b = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "dup.x", log_cb, "b");

    ok (a && b, "two handlers for the same exact request topic");
    log_reset ();
    send_request ("dup.x", FLUX_ROLE_NONE, 0);
    ok (drain () == 0 && strcmp (log_buf, "b:dup.x ") == 0, "the newer one takes the request (%s)", log_buf);
    flux_msg_handler_destroy (b);
    log_reset ();
    send_request ("dup.x", FLUX_ROLE_NONE, 0);
    ok (drain () == 0 && strcmp (log_buf, "a:dup.x ") == 0, "once it is destroyed, the older one does (%s)", log_buf);
    flux_msg_handler_destroy (a);
}

static const struct flux_msg_handler_spec vec_tab[] = {
    { FLUX_MSGTYPE_REQUEST, "vec.one", log_cb, 0 },
    { FLUX_MSGTYPE_EVENT, "vec.*", log_cb, 0 },
    FLUX_MSGHANDLER_TABLE_END,
};

static const struct flux_msg_handler_spec svc_tab[] = {
    { FLUX_MSGTYPE_REQUEST, "method", log_cb, FLUX_ROLE_USER },
    FLUX_MSGHANDLER_TABLE_END,
};

static void test_addvec (void)
{
    flux_msg_handler_t **vec = NULL, **svc = NULL, **bad = NULL;
    flux_msg_handler_t *resp = mk (FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL, response_cb, "resp");

    ok (flux_msg_handler_addvec (h, vec_tab, "vec", &vec) == 0 && vec != NULL, "flux_msg_handler_addvec");
    ok (vec && vec[0] && vec[1] && vec[2] == NULL, "it returns one handler per entry, NULL-terminated");
    log_reset ();
    send_request ("vec.one", FLUX_ROLE_NONE, 0);
    send_event ("vec.ev", FLUX_ROLE_NONE);
    ok (drain () == 0 && strcmp (log_buf, "vec:vec.one vec:vec.ev ") == 0,
        "the handlers are started, with the arg given (%s)", log_buf);

    ok (flux_msg_handler_addvec_ex (h, "svc", svc_tab, "svc", &svc) == 0, "flux_msg_handler_addvec_ex 'svc'");
    log_reset ();
    send_request ("svc.method", FLUX_ROLE_USER, 0);
    send_request ("method", FLUX_ROLE_NONE, 0);
    drain ();
    ok (drain () == 0 && strcmp (log_buf, "svc:svc.method resp:method ") == 0,
        "its topics are prefixed with 'svc.', and the table's rolemask (USER) is allowed (%s)", log_buf);

    flux_msg_handler_delvec (vec);
    log_reset ();
    send_event ("vec.ev", FLUX_ROLE_NONE);
    ok (drain () == 0 && log_buf[0] == '\0', "after flux_msg_handler_delvec nothing is delivered to them");
    flux_msg_handler_delvec (svc);
    flux_msg_handler_delvec (NULL);

    errno = 0;
    ok (flux_msg_handler_addvec (NULL, vec_tab, NULL, &bad) < 0 && errno == EINVAL,
        "flux_msg_handler_addvec with a NULL handle fails with EINVAL");
    errno = 0;
    ok (flux_msg_handler_addvec (h, NULL, NULL, &bad) < 0 && errno == EINVAL,
        "flux_msg_handler_addvec with a NULL table fails with EINVAL");
    errno = 0;
    ok (flux_msg_handler_addvec_ex (h, "svc", vec_tab, NULL, NULL) < 0 && errno == EINVAL,
        "flux_msg_handler_addvec_ex with a NULL result pointer fails with EINVAL");
    flux_msg_handler_destroy (resp);
}

static void test_requeue (void)
{
    flux_t *c = flux_clone (h);

    errno = 0;
    ok (flux_dispatch_requeue (h) < 0 && errno == EINVAL, "flux_dispatch_requeue on a non-clone fails with EINVAL");
    errno = 0;
    ok (flux_dispatch_requeue (NULL) < 0 && errno == EINVAL, "flux_dispatch_requeue (NULL) fails with EINVAL");
    ok (c && flux_dispatch_requeue (c) == 0, "flux_dispatch_requeue on a clone succeeds");
    flux_close (c);
}

/* A clone's dispatcher keeps messages it has no handler for (instead of
 * answering ENOSYS) until flux_dispatch_requeue gives them back. */
static void test_clone_unmatched (void)
{
    flux_t *c = flux_clone (h);
    flux_reactor_t *rc = c ? flux_get_reactor (c) : NULL;
    struct flux_match match = FLUX_MATCH_EVENT;
    flux_msg_handler_t *cstop;
    flux_msg_t *msg;
    const char *topic = NULL;

    ok (rc != NULL && rc != r, "a clone gets its own reactor");
    match.topic_glob = "clone.stop";
    cstop = flux_msg_handler_create (c, match, stop_cb, NULL);
    flux_msg_handler_start (cstop);
    send_request ("unk.x", FLUX_ROLE_NONE, 0);
    send_event ("clone.stop", FLUX_ROLE_NONE);
    ok (flux_reactor_run (rc, 0) >= 0, "the clone's dispatcher reads both messages");
    errno = 0;
    msg = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (msg == NULL && errno == EAGAIN, "the unmatched request was neither answered nor left in the queue");
    ok (flux_dispatch_requeue (c) == 0, "flux_dispatch_requeue on the clone");
    msg = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (msg && flux_request_decode (msg, &topic, NULL) == 0 && strcmp (topic, "unk.x") == 0,
        "the request is back in the handle's queue");
    flux_msg_destroy (msg);
    while ((msg = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK))) /* whatever else came back */
        flux_msg_destroy (msg);
    flux_msg_handler_destroy (cstop);
    flux_close (c);
}

static int echo_calls, cont_calls, cont_ok, enosys_ok;

static void echo_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    const char *s = NULL;
    note_callback ();
    echo_calls++;
    if (flux_request_decode (msg, NULL, &s) < 0 || flux_respond (h, msg, s) < 0)
        fprintf (stderr, "echo_cb: decode/respond failed\n");
}

static void echo_cont (flux_future_t *f, void *arg)
{
    const char *s = NULL;
    note_callback ();
    cont_calls++;
    if (flux_rpc_get (f, &s) == 0 && s && strcmp (s, "{\"x\":1}") == 0)
        cont_ok = 1;
    flux_reactor_stop (flux_future_get_reactor (f));
}

static void enosys_cont (flux_future_t *f, void *arg)
{
    note_callback ();
    errno = 0;
    if (flux_rpc_get (f, NULL) < 0 && errno == ENOSYS
        && strcmp (flux_future_error_string (f), "Unknown service method 'nosuch.method'") == 0)
        enosys_ok = 1;
    flux_reactor_stop (flux_future_get_reactor (f));
}

static void test_rpc_then (void)
{
    flux_msg_handler_t *echo = mk (FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, "svc.echo", echo_cb, NULL);
    flux_future_t *f;

    f = flux_rpc (h, "svc.echo", "{\"x\":1}", FLUX_NODEID_ANY, 0);
    ok (f && flux_future_then (f, -1., echo_cont, NULL) == 0, "flux_rpc + flux_future_then on the loop handle");
    ok (flux_reactor_run (r, 0) >= 0 && echo_calls == 1 && cont_calls == 1,
        "the handler responds and the continuation runs and stops the reactor");
    ok (cont_ok, "the continuation got the handler's payload");
    flux_future_destroy (f);

    f = flux_rpc (h, "nosuch.method", NULL, FLUX_NODEID_ANY, 0);
    ok (f && flux_future_then (f, -1., enosys_cont, NULL) == 0, "flux_rpc to a method nobody handles");
    ok (flux_reactor_run (r, 0) >= 0 && enosys_ok,
        "its continuation gets ENOSYS, \"Unknown service method 'nosuch.method'\"");
    flux_future_destroy (f);
    flux_msg_handler_destroy (echo);
}

int main (void)
{
    flux_watcher_t *guard;

    main_thread = pthread_self ();
    h = flux_open ("loop://", 0);
    if (!ok (h != NULL, "flux_open loop://"))
        return done_testing ();
    r = flux_get_reactor (h);
    guard = flux_timer_watcher_create (r, 2.0, 2.0, guard_cb, NULL);
    flux_watcher_unref (guard);
    flux_watcher_start (guard);

    {
        struct flux_match match = FLUX_MATCH_EVENT;
        match.topic_glob = "test.stop";
        stop_mh = flux_msg_handler_create (h, match, stop_cb, NULL);
    }
    test_create ();
    test_matching ();
    test_matchtag ();
    test_enosys ();
    test_rolemask ();
    test_override ();
    test_addvec ();
    test_requeue ();
    test_clone_unmatched ();
    test_rpc_then ();
    ok (guard_fired == 0, "no run needed the guard timer");
    ok (callbacks > 20 && foreign_callbacks == 0, "all %d callbacks ran on the thread that ran the reactor",
        callbacks);

    flux_msg_handler_destroy (stop_mh);
    flux_msg_decref (last_response);
    flux_watcher_destroy (guard);
    flux_close (h);
    return done_testing ();
}
