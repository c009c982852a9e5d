/* C ABI tests of user-built futures (flux_future_create(3),
 * flux_future_get(3)), composite futures (flux_future_wait_all_create(3))
 * and chained futures (flux_future_and_then(3)).  No broker is needed;
 * handles are loop://. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

static pthread_t main_thread;
static int callbacks, foreign_callbacks;
static int v1 = 1, v2 = 2, v3 = 3;

static void note_callback (void)
{
    callbacks++;
    if (!pthread_equal (pthread_self (), main_thread))
        foreign_callbacks++;
}

static int freed;

static void count_free (void *arg)
{
    freed++;
}

static flux_watcher_t *guard_start (flux_reactor_t *r);

static void test_fulfill (void)
{
    flux_future_t *f = flux_future_create (NULL, NULL);
    const void *p = NULL;

    ok (f != NULL, "flux_future_create (NULL, NULL)");
    ok (!flux_future_is_ready (f) && !flux_future_has_error (f) && flux_future_error_string (f) == NULL,
        "a new future is not ready and has no error");
    errno = 0;
    ok (flux_future_wait_for (f, 0.) < 0 && errno == ETIMEDOUT, "flux_future_wait_for (0) fails with ETIMEDOUT");
    errno = 0;
    ok (flux_future_wait_for (f, 0.01) < 0 && errno == ETIMEDOUT, "flux_future_wait_for (0.01) fails with ETIMEDOUT");
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == EDEADLK,
        "flux_future_get of a future nothing can fulfill fails with EDEADLK instead of blocking");

    flux_future_fulfill (f, &v1, NULL);
    ok (flux_future_is_ready (f), "flux_future_fulfill makes it ready");
    ok (flux_future_wait_for (f, 0.) == 0, "flux_future_wait_for (0) of a ready future succeeds");
    ok (flux_future_get (f, &p) == 0 && p == &v1, "flux_future_get returns the result pointer");
    ok (flux_future_get (f, NULL) == 0, "flux_future_get with a NULL result pointer");
    ok (!flux_future_has_error (f) && flux_future_error_string (f) == NULL,
        "no error, flux_future_error_string is NULL");
    ok (strcmp (future_strerror (f, ENOENT), strerror (ENOENT)) == 0,
        "without an error future_strerror falls back to the errno's text");

    freed = 0;
    flux_future_fulfill (f, &v2, count_free);
    flux_future_fulfill_error (f, EIO, "disk on fire");
    flux_future_fulfill_error (f, ENOENT, NULL);
    ok (flux_future_get (f, &p) == 0 && p == &v1, "further fulfillments are queued behind the first");
    flux_future_reset (f);
    ok (flux_future_get (f, &p) == 0 && p == &v2, "flux_future_reset brings the next result");
    flux_future_reset (f);
    ok (freed == 1, "the reset result's destructor ran");
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == EIO && flux_future_has_error (f),
        "then the queued error (EIO)");
    ok (strcmp (flux_future_error_string (f), "disk on fire") == 0, "with its text");
    ok (strcmp (future_strerror (f, EIO), "disk on fire") == 0, "future_strerror gives the future's text");
    flux_future_reset (f);
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == ENOENT
        && strcmp (flux_future_error_string (f), strerror (ENOENT)) == 0,
        "an error without text has strerror as its error string");
    flux_future_reset (f);
    ok (!flux_future_is_ready (f) && !flux_future_has_error (f), "after the last reset it is not ready");
    flux_future_reset (NULL);

    flux_future_fulfill (f, &v1, NULL);
    flux_future_fatal_error (f, EPROTO, NULL);
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == EPROTO, "a fatal error takes precedence over a result");
    ok (flux_future_has_error (f) && strcmp (flux_future_error_string (f), strerror (EPROTO)) == 0,
        "has_error; the error string is strerror");
    flux_future_fatal_error (f, ENOMEM, "other");
    flux_future_fulfill (f, &v2, NULL);
    flux_future_reset (f);
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == EPROTO,
        "a second fatal error, a fulfill or a reset do not change it");
    flux_future_destroy (f);

    f = flux_future_create (NULL, NULL);
    flux_future_fatal_error (f, EPROTO, "boom");
    ok (flux_future_is_ready (f) && strcmp (flux_future_error_string (f), "boom") == 0,
        "a fatal error fulfills the future, with its text");
    flux_future_destroy (f);

    errno = 0;
    ok (flux_future_get (NULL, &p) < 0 && errno == EINVAL, "flux_future_get (NULL) fails with EINVAL");
    errno = 0;
    ok (flux_future_wait_for (NULL, 1.) < 0 && errno == EINVAL, "flux_future_wait_for (NULL) fails with EINVAL");
    ok (!flux_future_is_ready (NULL) && !flux_future_has_error (NULL) && flux_future_error_string (NULL) == NULL,
        "is_ready/has_error/error_string of NULL are false/false/NULL");
    flux_future_destroy (NULL);
    flux_future_fulfill (NULL, NULL, NULL);
    flux_future_fulfill_error (NULL, EIO, NULL);
    flux_future_fatal_error (NULL, EIO, NULL);
    ok (1, "destroy/fulfill/fulfill_error/fatal_error of NULL are no-ops");
}

static void test_aux_refcount (void)
{
    static int k1, k2;
    flux_future_t *f = flux_future_create (NULL, NULL);

    freed = 0;
    ok (flux_future_aux_set (f, "k", &k1, count_free) == 0 && flux_future_aux_get (f, "k") == &k1,
        "flux_future_aux_set/get");
    errno = 0;
    ok (flux_future_aux_get (f, "missing") == NULL && errno == ENOENT, "a missing key fails with ENOENT");
    ok (flux_future_aux_set (f, "k", &k2, count_free) == 0 && freed == 1 && flux_future_aux_get (f, "k") == &k2,
        "replacing a value runs the old destructor");
    ok (flux_future_aux_set (f, NULL, &k1, count_free) == 0, "an anonymous value with a destructor");
    errno = 0;
    ok (flux_future_aux_set (NULL, "k", &k1, NULL) < 0 && errno == EINVAL, "flux_future_aux_set (NULL) fails");
    errno = 0;
    ok (flux_future_aux_get (NULL, "k") == NULL && errno == EINVAL, "flux_future_aux_get (NULL) fails");

    flux_future_incref (f);
    flux_future_destroy (f);
    ok (freed == 1, "after incref, one destroy does not free the future");
    flux_future_decref (f);
    ok (freed == 3, "flux_future_decref drops the last reference: both aux destructors run");
    flux_future_incref (NULL);
    flux_future_decref (NULL);
}

static void test_context (void)
{
    static int k;
    flux_future_t *f = flux_future_create (NULL, NULL);
    flux_reactor_t *r = flux_reactor_create (0);
    flux_t *h = flux_open ("loop://", 0);

    errno = 0;
    ok (flux_future_get_reactor (f) == NULL && errno == EINVAL, "flux_future_get_reactor without one fails (EINVAL)");
    errno = 0;
    ok (flux_future_get_flux (f) == NULL && errno == EINVAL, "flux_future_get_flux without one fails (EINVAL)");
    flux_future_set_reactor (f, r);
    ok (flux_future_get_reactor (f) == r, "flux_future_set_reactor/get_reactor");
    flux_future_set_flux (f, h);
    ok (flux_future_get_flux (f) == h, "flux_future_set_flux/get_flux");
    ok (flux_future_get_reactor (f) == r, "set_flux keeps a reactor already set");
    flux_future_destroy (f);

    f = flux_future_create (NULL, NULL);
    flux_future_set_flux (f, h);
    ok (flux_future_get_reactor (f) == flux_get_reactor (h), "set_flux sets the handle's reactor if none was set");

    freed = 0;
    flux_aux_set (h, "k", &k, count_free);
    flux_close (h);
    ok (freed == 0 && flux_future_get_flux (f) == h, "the future holds a reference on its handle");
    flux_future_destroy (f);
    ok (freed == 1, "destroying the future drops it");
    flux_reactor_destroy (r);
}

/* then */
static int cont_calls, cont_errno;
static const void *cont_result;

static void cont (flux_future_t *f, void *arg)
{
    note_callback ();
    cont_calls++;
    cont_result = NULL;
    cont_errno = flux_future_get (f, &cont_result) < 0 ? errno : 0;
}

static void cont_reset (flux_future_t *f, void *arg)
{
    const void *p = NULL;
    note_callback ();
    if (flux_future_get (f, &p) == 0)
        ((const void **)arg)[cont_calls] = p;
    cont_calls++;
    flux_future_reset (f);
}

static void fulfill_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    flux_future_fulfill (arg, &v2, NULL);
}

static void test_then (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_future_t *f = flux_future_create (NULL, NULL);
    flux_watcher_t *t;
    const void *seen[4] = { NULL };
    int rc;

    errno = 0;
    ok (flux_future_then (f, -1., cont, NULL) < 0 && errno == EINVAL,
        "flux_future_then on a future without a reactor fails with EINVAL");
    flux_future_set_reactor (f, r);
    errno = 0;
    ok (flux_future_then (f, -1., NULL, NULL) < 0 && errno == EINVAL, "flux_future_then with no callback: EINVAL");
    errno = 0;
    ok (flux_future_then (NULL, -1., cont, NULL) < 0 && errno == EINVAL, "flux_future_then (NULL): EINVAL");

    flux_future_fulfill (f, &v1, NULL);
    ok (flux_future_then (f, -1., cont, NULL) == 0 && cont_calls == 0,
        "flux_future_then on a fulfilled future does not call the continuation at once");
    ok (flux_reactor_run (r, 0) == 0 && cont_calls == 1 && cont_errno == 0 && cont_result == &v1,
        "the continuation runs in the next reactor run, which then returns 0");
    flux_future_destroy (f);

    f = flux_future_create (NULL, NULL);
    flux_future_set_reactor (f, r);
    t = flux_timer_watcher_create (r, 0.01, 0., fulfill_cb, f);
    flux_watcher_start (t);
    cont_calls = 0;
    ok (flux_future_then (f, -1., cont, NULL) == 0 && flux_reactor_run (r, 0) == 0 && cont_calls == 1
        && cont_result == &v2, "a continuation runs when a watcher fulfills the future");
    flux_watcher_destroy (t);
    flux_future_destroy (f);

    f = flux_future_create (NULL, NULL);
    flux_future_set_reactor (f, r);
    cont_calls = 0;
    ok (flux_future_then (f, 0.01, cont, NULL) == 0, "flux_future_then with a 0.01s timeout");
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && cont_calls == 1 && cont_errno == ETIMEDOUT,
        "the continuation runs on timeout; flux_future_get fails with ETIMEDOUT (rc=%d errno=%d)", rc, cont_errno);
    ok (flux_future_is_ready (f) && flux_future_has_error (f)
        && strcmp (flux_future_error_string (f), strerror (ETIMEDOUT)) == 0,
        "the timeout is an error fulfillment with the strerror text");
    flux_future_destroy (f);

    f = flux_future_create (NULL, NULL);
    flux_future_set_reactor (f, r);
    flux_future_fulfill (f, &v1, NULL);
    flux_future_fulfill (f, &v2, NULL);
    flux_future_fulfill (f, &v3, NULL);
    cont_calls = 0;
    flux_future_then (f, -1., cont_reset, seen);
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && cont_calls == 3 && seen[0] == &v1 && seen[1] == &v2 && seen[2] == &v3,
        "a continuation that resets sees each queued result in order (calls=%d)", cont_calls);
    flux_future_destroy (f);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

/* init callbacks */
static int init_calls;
static flux_reactor_t *init_reactor;
static flux_t *init_h;

static void destroy_watcher (void *arg)
{
    flux_watcher_destroy (arg);
}

/* Sets up a timer on the context's reactor that fulfills the future. */
static void init_timer (flux_future_t *f, void *arg)
{
    flux_watcher_t *w;
    note_callback ();
    init_calls++;
    init_reactor = flux_future_get_reactor (f);
    if ((w = flux_timer_watcher_create (init_reactor, 0.01, 0., fulfill_cb, f))) {
        flux_future_aux_set (f, NULL, w, destroy_watcher);
        flux_watcher_start (w);
    }
}

/* Records the context's handle and reactor and fulfills at once. */
static void init_record (flux_future_t *f, void *arg)
{
    note_callback ();
    init_calls++;
    init_reactor = flux_future_get_reactor (f);
    init_h = flux_future_get_flux (f);
    flux_future_fulfill (f, &v3, NULL);
}

static void init_nothing (flux_future_t *f, void *arg)
{
    note_callback ();
    init_calls++;
}

static void test_init (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_t *h = flux_open ("loop://", 0);
    flux_future_t *f;
    const void *p = NULL;

    f = flux_future_create (init_timer, NULL);
    flux_future_set_reactor (f, r);
    ok (init_calls == 0, "creating a future does not call its init callback");
    cont_calls = 0;
    ok (flux_future_then (f, -1., cont, NULL) == 0 && init_calls == 1 && init_reactor == r,
        "flux_future_then calls init at once, in the 'then' context (the future's reactor)");
    flux_future_then (f, -1., cont, NULL);
    ok (init_calls == 1, "a second flux_future_then does not call init again");
    ok (flux_reactor_run (r, 0) == 0 && cont_calls == 1 && cont_result == &v2,
        "the watcher set up by init fulfills the future");
    flux_future_destroy (f);

    init_calls = 0;
    f = flux_future_create (init_timer, NULL);
    flux_future_set_reactor (f, r);
    ok (flux_future_get (f, &p) == 0 && p == &v2 && init_calls == 1,
        "flux_future_get calls init and waits for its watcher");
    ok (init_reactor != NULL && init_reactor != r, "in the 'now' context init sees a temporary reactor");
    ok (flux_future_get (f, &p) == 0 && init_calls == 1, "a second get does not call init again");
    flux_future_then (f, -1., cont, NULL);
    ok (init_calls == 2 && init_reactor == r, "flux_future_then still calls init once, for the 'then' context");
    flux_reactor_run (r, 0);
    flux_future_destroy (f);

    init_calls = 0;
    f = flux_future_create (init_record, NULL);
    flux_future_set_flux (f, h);
    ok (flux_future_get (f, &p) == 0 && p == &v3 && init_calls == 1, "an init that fulfills at once");
    ok (init_h != NULL && init_h != h && (flux_flags_get (init_h) & FLUX_O_CLONE),
        "in the 'now' context flux_future_get_flux is a clone of the handle");
    ok (init_reactor != flux_get_reactor (h) && flux_get_reactor (init_h) == init_reactor,
        "whose reactor is the temporary one");
    flux_future_destroy (f);
    f = flux_future_create (init_record, NULL);
    flux_future_set_flux (f, h);
    flux_future_then (f, -1., cont, NULL);
    ok (init_h == h && init_reactor == flux_get_reactor (h), "in the 'then' context it is the handle itself");
    flux_reactor_run (flux_get_reactor (h), 0);
    flux_future_destroy (f);

    init_calls = 0;
    f = flux_future_create (init_nothing, NULL);
    errno = 0;
    ok (flux_future_wait_for (f, 0.01) < 0 && errno == ETIMEDOUT && init_calls == 1,
        "an init that sets nothing up: wait_for times out");
    errno = 0;
    ok (flux_future_get (f, &p) < 0 && errno == EDEADLK && init_calls == 1,
        "and flux_future_get fails with EDEADLK");
    flux_future_destroy (f);

    flux_close (h);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

/* composite futures */
static int composite_at_cont = -1, fulfilled_children;
static flux_future_t *kids[3];

static void fulfill_next_kid (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    flux_future_fulfill (kids[fulfilled_children++], NULL, NULL);
    if (fulfilled_children == 3)
        flux_watcher_stop (w);
}

static void composite_cont (flux_future_t *f, void *arg)
{
    note_callback ();
    composite_at_cont = fulfilled_children;
    cont_errno = flux_future_get (f, NULL) < 0 ? errno : 0;
}

static void test_composite (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_future_t *all = flux_future_wait_all_create ();
    flux_future_t *plain = flux_future_create (NULL, NULL);
    flux_future_t *dup = flux_future_create (NULL, NULL);
    flux_future_t *any, *a, *b;
    flux_watcher_t *t;
    const char *name;
    int n = 0, seen_one = 0, seen_0 = 0, seen_1 = 0, rc;

    for (int i = 0; i < 3; i++)
        kids[i] = flux_future_create (NULL, NULL);
    ok (all != NULL, "flux_future_wait_all_create");
    ok (flux_future_push (all, "one", kids[0]) == 0, "flux_future_push with a name");
    ok (flux_future_push (all, NULL, kids[1]) == 0 && flux_future_push (all, NULL, kids[2]) == 0,
        "flux_future_push with a NULL name (twice)");
    errno = 0;
    ok (flux_future_push (all, "one", dup) < 0 && errno == EEXIST, "pushing a duplicate name fails with EEXIST");
    flux_future_destroy (dup);
    errno = 0;
    ok (flux_future_push (plain, "x", kids[0]) < 0 && errno == EINVAL, "pushing onto a non-composite fails (EINVAL)");
    errno = 0;
    ok (flux_future_push (all, "x", NULL) < 0 && errno == EINVAL, "pushing NULL fails with EINVAL");
    errno = 0;
    ok (flux_future_first_child (plain) == NULL && errno == EINVAL,
        "flux_future_first_child of a non-composite fails with EINVAL");
    errno = 0;
    ok (flux_future_get_child (all, NULL) == NULL && errno == EINVAL, "flux_future_get_child (NULL name): EINVAL");
    flux_future_destroy (plain);

    ok (flux_future_get_child (all, "one") == kids[0], "flux_future_get_child returns the pushed future");
    ok (flux_future_get_child (all, "0") == kids[1] && flux_future_get_child (all, "1") == kids[2],
        "unnamed children are named \"0\", \"1\", ... in push order");
    ok (flux_future_get_child (all, "nosuch") == NULL, "an unknown name gives NULL");
    for (name = flux_future_first_child (all); name; name = flux_future_next_child (all)) {
        n++;
        seen_one += strcmp (name, "one") == 0;
        seen_0 += strcmp (name, "0") == 0;
        seen_1 += strcmp (name, "1") == 0;
    }
    ok (n == 3 && seen_one == 1 && seen_0 == 1 && seen_1 == 1,
        "first_child/next_child visit each name once, then NULL (n=%d)", n);

    flux_future_set_reactor (all, r);
    t = flux_timer_watcher_create (r, 0.01, 0.01, fulfill_next_kid, NULL);
    flux_watcher_start (t);
    ok (flux_future_then (all, -1., composite_cont, NULL) == 0, "flux_future_then on the wait_all future");
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && composite_at_cont == 3 && cont_errno == 0,
        "it is fulfilled once all three children are, not before (at %d)", composite_at_cont);
    ok (flux_future_is_ready (kids[0]) && flux_future_is_ready (kids[1]) && flux_future_is_ready (kids[2]),
        "every child is then ready");
    flux_watcher_destroy (t);
    flux_future_destroy (all); /* destroys the children */

    all = flux_future_wait_all_create ();
    ok (flux_future_get (all, NULL) == 0, "an empty wait_all is fulfilled at once");
    flux_future_destroy (all);

    all = flux_future_wait_all_create ();
    a = flux_future_create (NULL, NULL);
    b = flux_future_create (NULL, NULL);
    flux_future_fulfill (a, &v1, NULL);
    flux_future_fulfill_error (b, ENOENT, NULL);
    flux_future_push (all, "a", a);
    flux_future_push (all, "b", b);
    errno = 0;
    ok (flux_future_get (all, NULL) < 0 && errno == ENOENT,
        "flux_future_get of a wait_all with a failed child fails with its errno, no reactor needed");
    flux_future_destroy (all);

    any = flux_future_wait_any_create ();
    a = flux_future_create (NULL, NULL);
    b = flux_future_create (NULL, NULL);
    flux_future_push (any, "a", a);
    flux_future_push (any, "b", b);
    flux_future_set_reactor (any, r);
    t = flux_timer_watcher_create (r, 0.01, 0., fulfill_cb, b);
    flux_watcher_start (t);
    cont_calls = 0;
    ok (flux_future_then (any, -1., cont, NULL) == 0 && flux_reactor_run (r, 0) == 0 && cont_calls == 1
        && cont_errno == 0, "a wait_any future is fulfilled when one child is");
    ok (flux_future_is_ready (flux_future_get_child (any, "b")) && !flux_future_is_ready (flux_future_get_child (any, "a")),
        "the fulfilled child is ready, the other is not");
    flux_watcher_destroy (t);
    flux_future_destroy (any);

    any = flux_future_wait_any_create ();
    a = flux_future_create (NULL, NULL);
    flux_future_fulfill_error (a, EPERM, NULL);
    flux_future_push (any, NULL, a);
    errno = 0;
    ok (flux_future_get (any, NULL) < 0 && errno == EPERM, "a wait_any whose child failed fails with its errno");
    flux_future_destroy (any);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

/* chained futures */
static int and_calls, or_calls;

static void and_continue (flux_future_t *prev, void *arg)
{
    flux_future_t *f = flux_future_create (NULL, NULL);
    note_callback ();
    and_calls++;
    flux_future_fulfill (f, arg, NULL);
    if (flux_future_continue (prev, f) < 0)
        fprintf (stderr, "and_continue: flux_future_continue failed\n");
    flux_future_destroy (prev);
}

static void and_fulfill_next (flux_future_t *prev, void *arg)
{
    note_callback ();
    and_calls++;
    flux_future_fulfill_next (prev, arg, NULL);
    flux_future_destroy (prev);
}

static void and_continue_error (flux_future_t *prev, void *arg)
{
    note_callback ();
    and_calls++;
    flux_future_continue_error (prev, EPROTO, "chain broke");
    flux_future_destroy (prev);
}

static void and_continue_null (flux_future_t *prev, void *arg)
{
    note_callback ();
    and_calls++;
    flux_future_continue (prev, NULL);
    flux_future_destroy (prev);
}

static void or_fulfill_next (flux_future_t *prev, void *arg)
{
    note_callback ();
    or_calls++;
    flux_future_fulfill_next (prev, arg, NULL);
    flux_future_destroy (prev);
}

static void test_chain (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_future_t *f, *next, *plain;
    const void *p = NULL;

    f = flux_future_create (NULL, NULL);
    flux_future_set_reactor (f, r);
    next = flux_future_and_then (f, and_continue, &v2);
    ok (next != NULL && next != f, "flux_future_and_then returns a new future");
    ok (flux_future_or_then (f, or_fulfill_next, &v3) == next, "flux_future_or_then on it returns the same future");
    ok (flux_future_get_reactor (next) == r, "the next future inherits the reactor");
    cont_calls = 0;
    ok (flux_future_then (next, -1., cont, NULL) == 0 && and_calls == 0, "flux_future_then on the next future");
    flux_future_fulfill (f, &v1, NULL);
    ok (flux_reactor_run (r, 0) == 0 && and_calls == 1 && or_calls == 0 && cont_calls == 1 && cont_result == &v2,
        "success runs the and_then callback; flux_future_continue passes on a new future's result");
    flux_future_destroy (next);

    and_calls = 0;
    f = flux_future_create (NULL, NULL);
    flux_future_fulfill (f, &v1, NULL);
    next = flux_future_and_then (f, and_fulfill_next, &v3);
    ok (flux_future_get (next, &p) == 0 && p == &v3 && and_calls == 1,
        "flux_future_fulfill_next from the callback; flux_future_get of the chain works without a reactor");
    flux_future_destroy (next);

    f = flux_future_create (NULL, NULL);
    flux_future_fulfill (f, &v1, NULL);
    next = flux_future_and_then (f, and_continue_error, NULL);
    errno = 0;
    ok (flux_future_get (next, &p) < 0 && errno == EPROTO
        && strcmp (flux_future_error_string (next), "chain broke") == 0,
        "flux_future_continue_error fails the next future with its errno and text");
    flux_future_destroy (next);

    and_calls = 0;
    f = flux_future_create (NULL, NULL);
    flux_future_fulfill_error (f, ENOENT, "not here");
    next = flux_future_and_then (f, and_continue, &v2);
    errno = 0;
    ok (flux_future_get (next, &p) < 0 && errno == ENOENT && and_calls == 0
        && strcmp (flux_future_error_string (next), "not here") == 0,
        "an error skips the and_then callback and is passed on with its text");
    flux_future_destroy (next); /* the chain took over f */

    f = flux_future_create (NULL, NULL);
    flux_future_fulfill_error (f, EIO, NULL);
    next = flux_future_or_then (f, or_fulfill_next, &v3);
    ok (flux_future_get (next, &p) == 0 && p == &v3 && or_calls == 1,
        "an or_then callback can recover from an error with flux_future_fulfill_next");
    flux_future_destroy (next);

    or_calls = 0;
    f = flux_future_create (NULL, NULL);
    flux_future_fulfill (f, &v1, NULL);
    next = flux_future_or_then (f, or_fulfill_next, &v3);
    ok (flux_future_get (next, &p) == 0 && p == &v1 && or_calls == 0,
        "success skips the or_then callback and passes the result on");
    flux_future_destroy (next);

    and_calls = 0;
    f = flux_future_create (NULL, NULL);
    flux_future_fulfill (f, &v1, NULL);
    next = flux_future_and_then (f, and_continue_null, NULL);
    errno = 0;
    ok (flux_future_wait_for (next, 0.02) < 0 && errno == ETIMEDOUT && and_calls == 1,
        "flux_future_continue (prev, NULL) leaves the next future unfulfilled");
    flux_future_destroy (next);

    plain = flux_future_create (NULL, NULL);
    errno = 0;
    ok (flux_future_continue (plain, NULL) < 0 && errno == EINVAL,
        "flux_future_continue on an unchained future fails with EINVAL");
    errno = 0;
    ok (flux_future_fulfill_next (plain, NULL, NULL) < 0 && errno == EINVAL,
        "flux_future_fulfill_next on an unchained future fails with EINVAL");
    flux_future_continue_error (plain, EIO, NULL);
    ok (!flux_future_is_ready (plain), "flux_future_continue_error on an unchained future does nothing");
    flux_future_destroy (plain);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static void test_fulfill_with (void)
{
    static int k;
    flux_future_t *f = flux_future_create (NULL, NULL);
    flux_future_t *p = flux_future_create (NULL, NULL);
    flux_future_t *p2 = flux_future_create (NULL, NULL);
    const void *res = NULL;

    errno = 0;
    ok (flux_future_fulfill_with (NULL, p) < 0 && errno == EINVAL, "fulfill_with (NULL, p) fails with EINVAL");
    errno = 0;
    ok (flux_future_fulfill_with (f, NULL) < 0 && errno == EINVAL, "fulfill_with (f, NULL) fails with EINVAL");
    errno = 0;
    ok (flux_future_fulfill_with (f, f) < 0 && errno == EINVAL, "fulfill_with (f, f) fails with EINVAL");
    errno = 0;
    ok (flux_future_fulfill_with (f, p) < 0 && errno == EAGAIN, "fulfill_with of an unready future fails with EAGAIN");

    freed = 0;
    flux_future_fulfill (p, &v1, count_free);
    flux_future_aux_set (p, "paux", &k, NULL);
    ok (flux_future_fulfill_with (f, p) == 0, "fulfill_with of a ready future");
    flux_future_destroy (p);
    ok (freed == 0, "the source can be destroyed: f holds a reference, the result is not freed");
    ok (flux_future_get (f, &res) == 0 && res == &v1, "f has the source's result");
    ok (flux_future_aux_get (f, "paux") == &k, "f sees the source's aux items");
    flux_future_fulfill (p2, &v2, NULL);
    errno = 0;
    ok (flux_future_fulfill_with (f, p2) < 0 && errno == EEXIST, "fulfill_with from a second source fails with EEXIST");
    flux_future_destroy (f);
    ok (freed == 1, "the result's destructor moved to f and ran once, with f");

    f = flux_future_create (NULL, NULL);
    flux_future_fulfill_error (p2, EXDEV, "elsewhere");
    flux_future_reset (p2);
    ok (flux_future_fulfill_with (f, p2) == 0, "fulfill_with of an error");
    errno = 0;
    ok (flux_future_get (f, &res) < 0 && errno == EXDEV && strcmp (flux_future_error_string (f), "elsewhere") == 0,
        "passes on the errno and text");
    flux_future_destroy (p2);
    flux_future_destroy (f);
}

static int guard_fired;

static void guard_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    guard_fired++;
    flux_reactor_stop_error (r);
}

static flux_watcher_t *guard_start (flux_reactor_t *r)
{
    flux_watcher_t *w = flux_timer_watcher_create (r, 2.0, 0., guard_cb, NULL);
    flux_watcher_unref (w);
    flux_watcher_start (w);
    return w;
}

int main (void)
{
    main_thread = pthread_self ();
    test_fulfill ();
    test_aux_refcount ();
    test_context ();
    test_then ();
    test_init ();
    test_composite ();
    test_chain ();
    test_fulfill_with ();
    ok (guard_fired == 0, "no run needed the guard timer");
    ok (callbacks > 20 && foreign_callbacks == 0, "all %d callbacks ran on the calling thread", callbacks);
    return done_testing ();
}
