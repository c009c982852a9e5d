/* C ABI tests of the reactor and its watchers (flux_reactor_create(3),
 * flux_watcher_start(3) and the per-type watcher pages).  No broker is
 * needed: the handle watcher uses loop://.  Every callback checks that it
 * runs on the thread that called flux_reactor_run. */
#define _DEFAULT_SOURCE /* usleep, mkstemp under -std=c99 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <flux/core.h>
#include "tap.h"

static pthread_t main_thread;
static int callbacks, foreign_callbacks;

/* Every watcher callback calls this first. */
static void note_callback (void)
{
    callbacks++;
    if (!pthread_equal (pthread_self (), main_thread))
        foreign_callbacks++;
}

/* A guard timer stops a run that would otherwise hang (a broken watcher
 * that never fires).  It is unreferenced, so it never keeps a run going by
 * itself, and it does not count in flux_reactor_run's return value. */
static int guard_fired;

static void guard_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    guard_fired++;
    errno = ETIMEDOUT;
    flux_reactor_stop_error (r);
}

static flux_watcher_t *guard_start (flux_reactor_t *r)
{
    flux_watcher_t *w = flux_timer_watcher_create (r, 2.0, 0., guard_cb, NULL);
    flux_watcher_unref (w);
    flux_watcher_start (w);
    return w;
}

static int count_cb_calls;

static void count_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    count_cb_calls++;
}

/* Callback that stops its own watcher after *(int *)arg calls. */
static int stop_after_calls;

static void stop_after_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    int limit = *(int *)arg;
    note_callback ();
    if (++stop_after_calls >= limit)
        flux_watcher_stop (w);
}

static double wallclock (void)
{
    struct timeval tv;
    gettimeofday (&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static void test_reactor_basics (void)
{
    flux_reactor_t *r;
    double t0, t1, n0, n1, n2;

    errno = 0;
    ok (flux_reactor_create (1) == NULL && errno == EINVAL, "flux_reactor_create with flags != 0 fails with EINVAL");
    r = flux_reactor_create (0);
    ok (r != NULL, "flux_reactor_create (0)");
    ok (flux_reactor_run (r, 0) == 0, "run with no watchers returns 0 at once");
    ok (flux_reactor_run (r, FLUX_REACTOR_NOWAIT) == 0, "run NOWAIT with no watchers returns 0");
    ok (flux_reactor_run (r, FLUX_REACTOR_ONCE) == 0, "run ONCE with no watchers returns 0");
    errno = 0;
    ok (flux_reactor_run (r, 4) < 0 && errno == EINVAL, "run with unknown flags fails with EINVAL");

    t0 = flux_reactor_time ();
    ok (t0 > 1e9 && t0 - wallclock () < 1.0 && wallclock () - t0 < 1.0,
        "flux_reactor_time is the wall clock (%.3f)", t0);
    n0 = flux_reactor_now (r);
    ok (n0 <= flux_reactor_time () && flux_reactor_time () - n0 < 60.,
        "flux_reactor_now is a recent wall-clock time");
    usleep (20000);
    n1 = flux_reactor_now (r);
    ok (n1 == n0, "flux_reactor_now is cached: unchanged by time passing (%.6f %.6f)", n0, n1);
    flux_reactor_now_update (r);
    n2 = flux_reactor_now (r);
    ok (n2 - n0 >= 0.015, "flux_reactor_now_update advances it (by %.3f s)", n2 - n0);
    usleep (20000);
    flux_reactor_run (r, FLUX_REACTOR_NOWAIT);
    t1 = flux_reactor_now (r);
    ok (t1 - n2 >= 0.015, "a loop iteration also updates now (by %.3f s)", t1 - n2);

    flux_reactor_destroy (r);
    flux_reactor_destroy (NULL);
    flux_reactor_incref (NULL);
    flux_reactor_decref (NULL);
    ok (1, "flux_reactor_destroy/incref/decref (NULL) are no-ops");
    if (fluxgo_only ()) {
        /* flux-core dereferences the NULL reactor or watcher */
        flux_reactor_stop (NULL);
        flux_reactor_stop_error (NULL);
        flux_reactor_now_update (NULL);
        flux_periodic_watcher_reset (NULL, 0., 0., NULL);
        ok (1, "flux_reactor_stop/stop_error/now_update, flux_periodic_watcher_reset (NULL) are no-ops");
    }
}

static void test_run_flags (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *idle = flux_idle_watcher_create (r, count_cb, NULL);
    flux_watcher_t *t10 = flux_timer_watcher_create (r, 10., 0., count_cb, NULL);
    flux_watcher_t *t01 = flux_timer_watcher_create (r, 0.01, 0., count_cb, NULL);
    int rc;

    flux_watcher_start (t10);
    count_cb_calls = 0;
    rc = flux_reactor_run (r, FLUX_REACTOR_NOWAIT);
    ok (rc == 1 && count_cb_calls == 0,
        "run NOWAIT with a pending 10s timer returns 1 (active watchers) without blocking (rc=%d)", rc);

    flux_watcher_start (idle);
    count_cb_calls = 0;
    rc = flux_reactor_run (r, FLUX_REACTOR_NOWAIT);
    ok (rc == 2 && count_cb_calls == 1, "run NOWAIT with an idle watcher runs it once, returns 2 (rc=%d calls=%d)",
        rc, count_cb_calls);
    count_cb_calls = 0;
    rc = flux_reactor_run (r, FLUX_REACTOR_ONCE);
    ok (rc == 2 && count_cb_calls == 1, "run ONCE with an idle watcher runs it once (rc=%d calls=%d)", rc,
        count_cb_calls);
    flux_watcher_stop (idle);

    flux_watcher_start (t01);
    count_cb_calls = 0;
    rc = flux_reactor_run (r, FLUX_REACTOR_ONCE);
    ok (rc == 1 && count_cb_calls == 1 && !flux_watcher_is_active (t01),
        "run ONCE blocks until the 0.01s timer fires, returns 1 for the 10s timer (rc=%d)", rc);
    flux_watcher_stop (t10);
    ok (flux_reactor_run (r, 0) == 0, "after stopping the last watcher run returns 0");

    flux_watcher_destroy (idle);
    flux_watcher_destroy (t10);
    flux_watcher_destroy (t01);
    flux_reactor_destroy (r);
}

static int stop_calls;

static void stop_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    if (++stop_calls >= 3)
        flux_reactor_stop (r);
}

static void stop_error_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    errno = ENOTSUP;
    flux_reactor_stop_error (r);
}

static void test_stop (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *w = flux_timer_watcher_create (r, 0.01, 0.01, stop_cb, NULL);
    flux_watcher_t *g = guard_start (r);
    int rc;

    flux_watcher_start (w);
    rc = flux_reactor_run (r, 0);
    ok (rc == 1 && stop_calls == 3, "flux_reactor_stop ends the run, which returns the active count 1 (rc=%d calls=%d)",
        rc, stop_calls);
    ok (flux_watcher_is_active (w), "the repeating timer is still active after the stop");
    rc = flux_reactor_run (r, 0);
    ok (rc == 1 && stop_calls == 4, "a second run resumes the timer until the next stop (calls=%d)", stop_calls);
    flux_watcher_destroy (w);

    w = flux_timer_watcher_create (r, 0.01, 0., stop_error_cb, NULL);
    flux_watcher_start (w);
    errno = 0;
    rc = flux_reactor_run (r, 0);
    ok (rc == -1 && errno == ENOTSUP, "flux_reactor_stop_error makes run return -1, errno kept (errno=%d)", errno);
    ok (flux_reactor_run (r, 0) == 0, "the error does not stick: the next run returns 0");
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (w);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static void test_refcount (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *w;

    flux_reactor_incref (r);
    flux_reactor_destroy (r);
    w = flux_timer_watcher_create (r, 0.001, 0., count_cb, NULL);
    ok (w != NULL, "after incref + destroy the reactor is still usable");
    /* drop the creator's reference: the watcher holds the reactor now */
    flux_reactor_decref (r);
    count_cb_calls = 0;
    flux_watcher_start (w);
    ok (flux_reactor_run (r, 0) == 0 && count_cb_calls == 1,
        "a watcher keeps its reactor alive after the last user reference is dropped");
    flux_watcher_destroy (w);
}

static int timer_calls;
static double timer_fired_at;

static void timer_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    timer_calls++;
    timer_fired_at = flux_reactor_time ();
}

static void test_timer (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *w, *idle;
    double t0, next;
    int limit = 3, rc;

    errno = 0;
    ok (flux_timer_watcher_create (r, -1., 0., timer_cb, NULL) == NULL && errno == EINVAL,
        "a negative after fails with EINVAL");
    errno = 0;
    ok (flux_timer_watcher_create (r, 0., -1., timer_cb, NULL) == NULL && errno == EINVAL,
        "a negative repeat fails with EINVAL");
    errno = 0;
    ok (flux_timer_watcher_create (NULL, 0., 0., timer_cb, NULL) == NULL && errno == EINVAL,
        "a NULL reactor fails with EINVAL");

    w = flux_timer_watcher_create (r, 0.02, 0., timer_cb, NULL);
    ok (w != NULL && !flux_watcher_is_active (w), "a new timer is not active");
    /* a timer counts from the loop's cached 'now', so refresh it first */
    flux_reactor_now_update (r);
    t0 = flux_reactor_now (r);
    flux_watcher_start (w);
    ok (flux_watcher_is_active (w), "flux_watcher_start makes it active");
    ok (flux_reactor_run (r, 0) == 0 && timer_calls == 1, "a one-shot timer fires once, then run returns 0");
    ok (timer_fired_at - t0 >= 0.018, "not before 'after' has passed (%.3f s)", timer_fired_at - t0);
    ok (!flux_watcher_is_active (w), "a fired one-shot timer is no longer active");

    flux_timer_watcher_reset (w, 0.01, 0.);
    flux_watcher_start (w);
    ok (flux_reactor_run (r, 0) == 0 && timer_calls == 2, "flux_timer_watcher_reset + start rearms it");

    flux_timer_watcher_reset (w, 100., 0.);
    flux_watcher_start (w);
    next = flux_watcher_next_wakeup (w);
    ok (next - flux_reactor_now (r) > 99. && next - flux_reactor_now (r) < 101.,
        "flux_watcher_next_wakeup of a 100s timer is now+100 (%.3f)", next - flux_reactor_now (r));
    flux_watcher_stop (w);
    ok (!flux_watcher_is_active (w), "flux_watcher_stop deactivates it");
    flux_watcher_destroy (w);

    w = flux_timer_watcher_create (r, 0.01, 0.01, stop_after_cb, &limit);
    flux_watcher_start (w);
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && stop_after_calls == 3, "a repeating timer fires until stopped (calls=%d)", stop_after_calls);
    flux_watcher_destroy (w);

    /* again: a stopped timer with a repeat value is started with that
     * value as its timeout; the 'after' value is not used. */
    limit = 1;
    stop_after_calls = 0;
    w = flux_timer_watcher_create (r, 100., 0.01, stop_after_cb, &limit);
    flux_timer_watcher_again (w);
    next = flux_watcher_next_wakeup (w);
    ok (flux_watcher_is_active (w) && next - flux_reactor_now (r) < 1.,
        "flux_timer_watcher_again starts a stopped timer with 'repeat' as its timeout (in %.3f s)",
        next - flux_reactor_now (r));
    ok (flux_reactor_run (r, 0) == 0 && stop_after_calls == 1, "and it fires");
    flux_timer_watcher_reset (w, 100., 0.);
    flux_watcher_start (w);
    flux_timer_watcher_again (w);
    ok (!flux_watcher_is_active (w), "flux_timer_watcher_again with repeat 0 stops an active timer");
    flux_watcher_destroy (w);

    idle = flux_idle_watcher_create (r, count_cb, NULL);
    errno = 0;
    ok (flux_watcher_next_wakeup (idle) < 0 && errno == EINVAL,
        "flux_watcher_next_wakeup of an idle watcher fails with EINVAL");
    flux_watcher_destroy (idle);
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static int periodic_calls;
static double periodic_fired_at;

static void periodic_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    periodic_calls++;
    periodic_fired_at = flux_reactor_time ();
    if (arg && periodic_calls >= *(int *)arg)
        flux_watcher_stop (w);
}

static int resched_calls;
static double resched_now;

static double resched_cb (flux_watcher_t *w, double now, void *arg)
{
    resched_calls++;
    resched_now = now;
    return now + 0.01;
}

static double resched_past_cb (flux_watcher_t *w, double now, void *arg)
{
    resched_calls++;
    return now - 1.;
}

static void test_periodic (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *w;
    double at, next, now;
    int limit, rc;

    errno = 0;
    ok (flux_periodic_watcher_create (r, -1., 0., NULL, periodic_cb, NULL) == NULL && errno == EINVAL,
        "a negative offset fails with EINVAL");
    errno = 0;
    ok (flux_periodic_watcher_create (r, 0., -1., NULL, periodic_cb, NULL) == NULL && errno == EINVAL,
        "a negative interval fails with EINVAL");

    /* interval 0: fire once at the absolute time 'offset' */
    at = flux_reactor_time () + 0.02;
    w = flux_periodic_watcher_create (r, at, 0., NULL, periodic_cb, NULL);
    flux_watcher_start (w);
    ok (flux_watcher_next_wakeup (w) == at, "flux_watcher_next_wakeup of a periodic is its absolute time");
    ok (flux_reactor_run (r, 0) == 0 && periodic_calls == 1, "a periodic with interval 0 fires once");
    ok (periodic_fired_at >= at, "not before the wall-clock time 'offset'");
    ok (!flux_watcher_is_active (w), "and is then inactive");

    /* reset: from far in the future to soon */
    flux_periodic_watcher_reset (w, flux_reactor_time () + 1000., 0., NULL);
    ok (flux_watcher_is_active (w), "flux_periodic_watcher_reset (re)starts the watcher");
    at = flux_reactor_time () + 0.01;
    flux_periodic_watcher_reset (w, at, 0., NULL);
    ok (flux_watcher_next_wakeup (w) == at, "a second reset moves the wakeup time");
    ok (flux_reactor_run (r, 0) == 0 && periodic_calls == 2, "the reset periodic fires");
    flux_watcher_destroy (w);

    /* interval: fire on multiples of the interval */
    limit = 3;
    periodic_calls = 0;
    w = flux_periodic_watcher_create (r, 0., 0.01, NULL, periodic_cb, &limit);
    flux_watcher_start (w);
    now = flux_reactor_now (r);
    next = flux_watcher_next_wakeup (w);
    ok (next >= now - 0.0001 && next <= now + 0.0101, "the next wakeup is within one interval (%.4f)", next - now);
    ok (flux_reactor_run (r, 0) == 0 && periodic_calls == 3, "a periodic with an interval repeats until stopped");
    flux_watcher_destroy (w);

    /* reschedule callback: offset and interval are ignored */
    limit = 2;
    periodic_calls = 0;
    w = flux_periodic_watcher_create (r, 0., 1000., resched_cb, periodic_cb, &limit);
    flux_watcher_start (w);
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && periodic_calls == 2 && resched_calls >= 2,
        "a reschedule callback decides each wakeup (calls=%d resched=%d)", periodic_calls, resched_calls);
    ok (resched_now > 1e9 && flux_reactor_time () - resched_now < 60.,
        "the reschedule callback is given the current wall-clock time");
    flux_watcher_destroy (w);

    periodic_calls = 0;
    resched_calls = 0;
    w = flux_periodic_watcher_create (r, 0., 0., resched_past_cb, periodic_cb, NULL);
    flux_watcher_start (w);
    ok (flux_reactor_run (r, 0) == 0 && periodic_calls == 0 && resched_calls >= 1,
        "a reschedule callback returning a past time silently stops the watcher");
    ok (!flux_watcher_is_active (w), "which is then inactive");
    flux_watcher_destroy (w);
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

/* prepare/check/idle: a log of callbacks as letters */
static char seq[64];
static int seq_len;
static int n_prepare, n_check;
static flux_watcher_t *seq_w[3];
static int bad_idle_order, bad_timer_order;

static void seq_add (char c)
{
    if (seq_len < (int)sizeof (seq) - 1)
        seq[seq_len++] = c;
}

static void prepare_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    n_prepare++;
    seq_add ('P');
}

static void check_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    n_check++;
    seq_add ('C');
}

static void seq_idle_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    seq_add ('I');
    if (n_prepare != n_check)
        bad_idle_order++;
    if (++count_cb_calls == 3) {
        for (int i = 0; i < 3; i++)
            flux_watcher_stop (seq_w[i]);
    }
}

/* arg: how many more checks than prepares are expected at this point */
static void seq_timer_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    int lag = *(int *)arg;
    note_callback ();
    seq_add ('T');
    if (n_prepare != n_check + lag)
        bad_timer_order++;
    flux_watcher_stop (seq_w[0]);
    flux_watcher_stop (seq_w[1]);
}

static int alternates (const char *s)
{
    int p = 0, c = 0;
    for (; *s; s++) {
        if (*s == 'P' && p++ != c)
            return 0;
        if (*s == 'C' && ++c != p)
            return 0;
    }
    return p > 0 && p == c;
}

static void test_prepare_check_idle (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *t;
    int lag;

    seq_w[0] = flux_prepare_watcher_create (r, prepare_cb, NULL);
    seq_w[1] = flux_check_watcher_create (r, check_cb, NULL);
    seq_w[2] = flux_idle_watcher_create (r, seq_idle_cb, NULL);
    ok (seq_w[0] && seq_w[1] && seq_w[2], "prepare, check and idle watchers created");
    count_cb_calls = 0;
    for (int i = 0; i < 3; i++)
        flux_watcher_start (seq_w[i]);
    ok (flux_reactor_run (r, 0) == 0 && count_cb_calls == 3, "the idle watcher runs on every iteration");
    ok (alternates (seq), "prepare and check alternate, prepare first (%s)", seq);
    ok (bad_idle_order == 0, "in each iteration the check runs before the idle callback (%s)", seq);

    /* a timer: the check of the iteration in which it fires runs before
     * the timer callback, unless it is given a lower priority */
    seq_len = 0;
    memset (seq, 0, sizeof (seq));
    n_prepare = n_check = 0;
    lag = 0;
    t = flux_timer_watcher_create (r, 0.01, 0., seq_timer_cb, &lag);
    flux_watcher_start (seq_w[0]);
    flux_watcher_start (seq_w[1]);
    flux_watcher_start (t);
    ok (flux_reactor_run (r, 0) == 0 && strchr (seq, 'T') != NULL, "timer with prepare and check (%s)", seq);
    ok (bad_timer_order == 0 && alternates (seq), "at default priority, the check runs before the timer callback");

    seq_len = 0;
    memset (seq, 0, sizeof (seq));
    n_prepare = n_check = 0;
    lag = 1;
    flux_watcher_set_priority (seq_w[1], -1);
    flux_watcher_set_priority (t, 2); /* a no-op on a timer */
    flux_watcher_start (seq_w[0]);
    flux_watcher_start (seq_w[1]);
    flux_timer_watcher_reset (t, 0.01, 0.);
    flux_watcher_start (t);
    ok (flux_reactor_run (r, 0) == 0 && bad_timer_order == 0,
        "at priority -1, the check runs after the timer callback (%s)", seq);
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (t);
    for (int i = 0; i < 3; i++)
        flux_watcher_destroy (seq_w[i]);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static int pipefd[2];
static int wrote, read_ok, read_revents_ok, write_revents_ok, read_before_write;

static void write_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    if (revents & FLUX_POLLOUT)
        write_revents_ok = 1;
    if (write (flux_fd_watcher_get_fd (w), "x", 1) == 1)
        wrote++;
    flux_watcher_stop (w);
}

static void read_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    char c = 0;
    note_callback ();
    if (!wrote)
        read_before_write++;
    if (revents & FLUX_POLLIN)
        read_revents_ok = 1;
    if (read (flux_fd_watcher_get_fd (w), &c, 1) == 1 && c == 'x')
        read_ok = 1;
    flux_watcher_stop (w);
}

static void test_fd (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *rw, *ww, *t;

    if (!ok (pipe (pipefd) == 0, "pipe"))
        return;
    rw = flux_fd_watcher_create (r, pipefd[0], FLUX_POLLIN, read_cb, NULL);
    ww = flux_fd_watcher_create (r, pipefd[1], FLUX_POLLOUT, write_cb, NULL);
    ok (rw && ww, "fd watchers created");
    ok (flux_fd_watcher_get_fd (rw) == pipefd[0] && flux_fd_watcher_get_fd (ww) == pipefd[1],
        "flux_fd_watcher_get_fd returns the fds");
    t = flux_timer_watcher_create (r, 0.01, 0., count_cb, NULL);
    errno = 0;
    ok (flux_fd_watcher_get_fd (t) == -1 && errno == EINVAL, "flux_fd_watcher_get_fd of a timer fails with EINVAL");
    flux_watcher_destroy (t);

    /* the read end is not readable until a write; the write end is
     * writable at once */
    flux_watcher_start (rw);
    t = flux_timer_watcher_create (r, 0.02, 0., count_cb, NULL);
    flux_watcher_start (t);
    ok (flux_reactor_run (r, FLUX_REACTOR_ONCE) >= 1 && read_before_write == 0 && read_ok == 0,
        "an empty pipe is not readable");
    flux_watcher_destroy (t);
    flux_watcher_start (ww);
    ok (flux_reactor_run (r, 0) == 0, "run returns once both fd watchers stopped themselves");
    ok (wrote == 1 && write_revents_ok, "the write end is writable (FLUX_POLLOUT)");
    ok (read_ok && read_revents_ok && read_before_write == 0,
        "the read end becomes readable (FLUX_POLLIN) after the write");
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (rw);
    flux_watcher_destroy (ww);
    close (pipefd[0]);
    close (pipefd[1]);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static int signals_seen, signal_revents;

static void kill_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    kill (getpid (), SIGUSR1);
}

static void signal_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    signals_seen++;
    signal_revents = revents;
    flux_watcher_stop (w);
}

static void test_signal (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *sw = flux_signal_watcher_create (r, SIGUSR1, signal_cb, NULL);
    flux_watcher_t *t = flux_timer_watcher_create (r, 0.01, 0., kill_cb, NULL);

    ok (sw != NULL, "flux_signal_watcher_create SIGUSR1");
    ok (flux_signal_watcher_get_signum (sw) == SIGUSR1, "flux_signal_watcher_get_signum is SIGUSR1");
    errno = 0;
    ok (flux_signal_watcher_get_signum (t) == -1 && errno == EINVAL,
        "flux_signal_watcher_get_signum of a timer fails with EINVAL");
    flux_watcher_start (sw);
    flux_watcher_start (t);
    ok (flux_reactor_run (r, 0) == 0 && signals_seen == 1, "a SIGUSR1 sent from a timer callback is caught");
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (t);
    flux_watcher_destroy (sw);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static char stat_path[64];
static int stat_calls, stat_rstat_ok;
static off_t stat_size, stat_prev_size;
static nlink_t stat_nlink;

static void append_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    int fd;
    note_callback ();
    if ((fd = open (stat_path, O_WRONLY | O_APPEND)) >= 0) {
        if (write (fd, "hello", 5) != 5)
            fprintf (stderr, "append_cb: write failed\n");
        close (fd);
    }
}

static void stat_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    struct stat st, prev;
    note_callback ();
    stat_calls++;
    if (flux_stat_watcher_get_rstat (w, &st, &prev) == 0) {
        stat_rstat_ok = 1;
        stat_size = st.st_size;
        stat_prev_size = prev.st_size;
        stat_nlink = st.st_nlink;
    }
    flux_watcher_stop (w);
}

static void test_stat (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *sw, *t;
    struct stat st;
    int fd;

    snprintf (stat_path, sizeof (stat_path), "/tmp/reactor_test.XXXXXX");
    fd = mkstemp (stat_path);
    if (!ok (fd >= 0, "created a temporary file"))
        return;
    close (fd);
    sw = flux_stat_watcher_create (r, stat_path, 0.01, stat_cb, NULL);
    t = flux_timer_watcher_create (r, 0.02, 0., append_cb, NULL);
    ok (sw != NULL, "flux_stat_watcher_create");
    errno = 0;
    ok (flux_stat_watcher_get_rstat (t, &st, NULL) == -1 && errno == EINVAL,
        "flux_stat_watcher_get_rstat of a timer fails with EINVAL");
    flux_watcher_start (sw);
    flux_watcher_start (t);
    ok (flux_reactor_run (r, 0) == 0 && stat_calls == 1, "appending to the file triggers the stat watcher");
    ok (stat_rstat_ok && stat_size == 5 && stat_prev_size == 0 && stat_nlink == 1,
        "flux_stat_watcher_get_rstat gives the new (5) and previous (0) sizes (%ld %ld)", (long)stat_size,
        (long)stat_prev_size);
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (t);
    flux_watcher_destroy (sw);
    unlink (stat_path);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static flux_t *loop_h;
static int hw_calls, hw_revents, hw_got_msg, hw_out_calls, hw_out_revents, sent;

static void send_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    flux_msg_t *msg = flux_event_encode ("reactor.hello", NULL);
    note_callback ();
    if (msg && flux_send (loop_h, msg, 0) == 0)
        sent = 1;
    flux_msg_destroy (msg);
}

static void handle_in_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    flux_msg_t *msg;
    const char *topic;
    note_callback ();
    hw_calls++;
    hw_revents = revents;
    if (sent && (msg = flux_recv (flux_handle_watcher_get_flux (w), FLUX_MATCH_ANY, FLUX_O_NONBLOCK))) {
        if (flux_msg_get_topic (msg, &topic) == 0 && strcmp (topic, "reactor.hello") == 0)
            hw_got_msg = 1;
        flux_msg_destroy (msg);
    }
    flux_watcher_stop (w);
}

static void handle_out_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    note_callback ();
    hw_out_calls++;
    hw_out_revents = revents;
    flux_watcher_stop (w);
}

static void test_handle_watcher (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *hw, *ho, *t;

    loop_h = flux_open ("loop://", 0);
    if (!ok (loop_h != NULL, "flux_open loop://"))
        return;
    hw = flux_handle_watcher_create (r, loop_h, FLUX_POLLIN, handle_in_cb, NULL);
    ok (hw != NULL, "flux_handle_watcher_create FLUX_POLLIN");
    ok (flux_handle_watcher_get_flux (hw) == loop_h, "flux_handle_watcher_get_flux returns the handle");
    t = flux_timer_watcher_create (r, 0.01, 0., send_cb, NULL);
    errno = 0;
    ok (flux_handle_watcher_get_flux (t) == NULL && errno == EINVAL,
        "flux_handle_watcher_get_flux of a timer fails with EINVAL");
    flux_watcher_start (hw);
    ok (flux_watcher_is_active (hw), "the handle watcher is active after start");
    flux_watcher_start (t);
    ok (flux_reactor_run (r, 0) == 0 && hw_calls == 1, "the handle watcher fires once a message is queued");
    ok (sent && hw_got_msg && (hw_revents & FLUX_POLLIN), "with FLUX_POLLIN, after the send; the message is there");
    ok (!flux_watcher_is_active (hw), "the handle watcher is inactive after stop");

    ho = flux_handle_watcher_create (r, loop_h, FLUX_POLLOUT, handle_out_cb, NULL);
    flux_watcher_start (ho);
    ok (flux_reactor_run (r, 0) == 0 && hw_out_calls == 1 && (hw_out_revents & FLUX_POLLOUT),
        "a FLUX_POLLOUT handle watcher on loop:// fires at once");
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (t);
    flux_watcher_destroy (ho);
    flux_watcher_destroy (hw);
    flux_close (loop_h);
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static void test_watcher_generic (void)
{
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *g = guard_start (r);
    flux_watcher_t *w, *idle, *t;
    double t0;
    int rc;

    w = flux_timer_watcher_create (r, 10., 0., count_cb, NULL);
    ok (flux_watcher_is_referenced (w), "a new watcher is referenced");
    flux_watcher_unref (w);
    flux_watcher_unref (w);
    ok (!flux_watcher_is_referenced (w), "flux_watcher_unref (twice) makes it unreferenced");
    flux_watcher_start (w);
    flux_watcher_start (w);
    count_cb_calls = 0;
    t0 = flux_reactor_time ();
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && count_cb_calls == 0 && flux_reactor_time () - t0 < 5.,
        "an unreferenced active 10s timer alone lets run return 0 at once (rc=%d)", rc);
    ok (flux_watcher_is_active (w), "the unreferenced timer is still active");
    flux_watcher_ref (w);
    flux_watcher_ref (w);
    ok (flux_watcher_is_referenced (w), "flux_watcher_ref (twice) makes it referenced again");
    rc = flux_reactor_run (r, FLUX_REACTOR_NOWAIT);
    ok (rc == 1, "the re-referenced active timer counts in run's return value (rc=%d)", rc);
    flux_watcher_stop (w);
    flux_timer_watcher_reset (w, 0.01, 0.);
    flux_watcher_unref (w);
    flux_watcher_start (w);
    flux_watcher_ref (w);
    ok (flux_reactor_run (r, 0) == 0 && count_cb_calls == 1, "ref of an unref'd active timer keeps run going");
    flux_watcher_destroy (w);

    /* an unreferenced idle runs while a referenced timer keeps the loop up */
    idle = flux_idle_watcher_create (r, count_cb, NULL);
    t = flux_timer_watcher_create (r, 0.02, 0., timer_cb, NULL);
    flux_watcher_unref (idle);
    flux_watcher_start (idle);
    flux_watcher_start (t);
    count_cb_calls = 0;
    timer_calls = 0;
    rc = flux_reactor_run (r, 0);
    ok (rc == 0 && timer_calls == 1 && count_cb_calls > 0,
        "an unreferenced idle runs until the referenced timer is done (idle calls=%d)", count_cb_calls);
    flux_watcher_stop (idle);

    /* destroying an active watcher stops it */
    flux_watcher_ref (idle);
    flux_watcher_start (idle);
    flux_watcher_destroy (idle);
    ok (flux_reactor_run (r, 0) == 0, "destroying an active idle watcher stops it: run returns 0");
    flux_watcher_destroy (t);

    flux_watcher_destroy (NULL);
    flux_watcher_start (NULL);
    flux_watcher_stop (NULL);
    flux_watcher_ref (NULL);
    flux_watcher_unref (NULL);
    flux_watcher_set_priority (NULL, 1);
    ok (1, "destroy/start/stop/ref/unref/set_priority of NULL are no-ops");
    ok (!flux_watcher_is_active (NULL), "flux_watcher_is_active (NULL) is false");
    ok (flux_watcher_is_referenced (NULL), "flux_watcher_is_referenced (NULL) is true");
    ok (guard_fired == 0, "the guard timer did not fire");
    flux_watcher_destroy (g);
    flux_reactor_destroy (r);
}

static void test_handle_reactor (void)
{
    flux_t *h = flux_open ("loop://", 0);
    flux_reactor_t *r, *r2 = flux_reactor_create (0);

    r = flux_get_reactor (h);
    ok (r != NULL && flux_get_reactor (h) == r, "flux_get_reactor returns the same reactor twice");
    errno = 0;
    ok (flux_set_reactor (h, r2) < 0 && errno == EEXIST, "flux_set_reactor on a handle with a reactor fails with EEXIST");
    flux_close (h);

    h = flux_open ("loop://", 0);
    ok (flux_set_reactor (h, r2) == 0 && flux_get_reactor (h) == r2, "flux_set_reactor on a fresh handle sets it");
    flux_close (h);
    flux_reactor_destroy (r2);
}

int main (void)
{
    main_thread = pthread_self ();
    test_reactor_basics ();
    test_run_flags ();
    test_stop ();
    test_refcount ();
    test_timer ();
    test_periodic ();
    test_prepare_check_idle ();
    test_fd ();
    test_signal ();
    test_stat ();
    test_handle_watcher ();
    test_watcher_generic ();
    test_handle_reactor ();
    ok (callbacks > 50 && foreign_callbacks == 0,
        "all %d callbacks ran on the thread that called flux_reactor_run", callbacks);
    return done_testing ();
}
