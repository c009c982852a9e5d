/* Watchers driven the way a private copy of flux-core's generic watcher
 * functions drives them.  Some flux-core commands (flux-job, flux-exec)
 * are linked with such a copy; it takes precedence over the library's
 * functions, reads each flux_watcher_t as flux-core's structure and acts
 * through its table of operations.  This test declares that layout itself
 * and plays the part of the copy (foreign_* below): it starts, stops,
 * unreferences and destroys watchers made by the library through the
 * table, mixes that with the library's own calls, and builds a watcher of
 * its own kind on the reactor with public calls only, as libsubprocess's
 * buffer watchers do.  Leaks and double frees are left to valgrind.  It
 * runs against flux-core's library too, where the layout is the real
 * one. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

/* flux-core 0.88's private watcher layout and operations table. */
struct layout_ops {
    void (*set_priority) (flux_watcher_t *w, int priority);
    void (*start) (flux_watcher_t *w);
    void (*stop) (flux_watcher_t *w);
    void (*ref) (flux_watcher_t *w);
    void (*unref) (flux_watcher_t *w);
    void (*destroy) (flux_watcher_t *w);
    bool (*is_active) (flux_watcher_t *w);
};

struct layout {
    flux_reactor_t *r;
    flux_watcher_f fn;
    void *arg;
    struct layout_ops *ops;
    bool unreferenced;
    void *data;
};

#define L(w) ((struct layout *)(w))

/* The foreign copy: what a program's own flux_watcher_* would do. */
static void foreign_start (flux_watcher_t *w)
{
    if (w && L(w)->ops->start)
        L(w)->ops->start (w);
}

static void foreign_stop (flux_watcher_t *w)
{
    if (w && L(w)->ops->stop)
        L(w)->ops->stop (w);
}

static bool foreign_is_active (flux_watcher_t *w)
{
    return w && L(w)->ops->is_active ? L(w)->ops->is_active (w) : false;
}

static void foreign_unref (flux_watcher_t *w)
{
    if (w && !L(w)->unreferenced && L(w)->ops->unref) {
        L(w)->ops->unref (w);
        L(w)->unreferenced = true;
    }
}

static void foreign_ref (flux_watcher_t *w)
{
    if (w && L(w)->unreferenced && L(w)->ops->ref) {
        L(w)->ops->ref (w);
        L(w)->unreferenced = false;
    }
}

static void foreign_set_priority (flux_watcher_t *w, int prio)
{
    if (w && L(w)->ops->set_priority)
        L(w)->ops->set_priority (w, prio);
}

static void foreign_destroy (flux_watcher_t *w)
{
    if (w) {
        if (L(w)->ops->stop)
            L(w)->ops->stop (w);
        if (L(w)->ops->destroy)
            L(w)->ops->destroy (w);
        flux_reactor_decref (L(w)->r);
        free (w);
    }
}

/* A watcher of the copy's own kind (with its own operations), made with
 * public calls only: a prepare and an idle watcher of the library that
 * it starts and stops together, and a count of callbacks. */
struct pair {
    flux_watcher_t *prep, *idle;
    int fired;
};

static void pair_start (flux_watcher_t *w)
{
    struct pair *p = L(w)->data;
    flux_watcher_start (p->prep);
    flux_watcher_start (p->idle);
}

static void pair_stop (flux_watcher_t *w)
{
    struct pair *p = L(w)->data;
    flux_watcher_stop (p->prep);
    flux_watcher_stop (p->idle);
}

static void pair_destroy (flux_watcher_t *w)
{
    struct pair *p = L(w)->data;
    flux_watcher_destroy (p->prep);
    flux_watcher_destroy (p->idle);
}

static bool pair_is_active (flux_watcher_t *w)
{
    struct pair *p = L(w)->data;
    return flux_watcher_is_active (p->prep);
}

static struct layout_ops pair_ops = {
    .start = pair_start,
    .stop = pair_stop,
    .destroy = pair_destroy,
    .is_active = pair_is_active,
};

static void pair_idle_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    flux_watcher_t *outer = arg;
    struct pair *p = L(outer)->data;
    if (++p->fired % 3 == 0)
        foreign_stop (outer);
    if (L(outer)->fn)
        L(outer)->fn (L(outer)->r, outer, 0, L(outer)->arg);
}

static flux_watcher_t *pair_create (flux_reactor_t *r, flux_watcher_f fn, void *arg)
{
    struct layout *w = calloc (1, sizeof (*w) + sizeof (struct pair));
    if (!w)
        return NULL;
    struct pair *p = (struct pair *)(w + 1);
    w->r = r;
    w->fn = fn;
    w->arg = arg;
    w->ops = &pair_ops;
    w->data = p;
    flux_reactor_incref (r);
    p->prep = flux_prepare_watcher_create (r, NULL, NULL);
    p->idle = flux_idle_watcher_create (r, pair_idle_cb, w);
    if (!p->prep || !p->idle) {
        flux_watcher_destroy (p->prep);
        flux_watcher_destroy (p->idle);
        flux_reactor_decref (r);
        free (w);
        return NULL;
    }
    return (flux_watcher_t *)w;
}

static int count_fds (void)
{
    DIR *d = opendir ("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir (d)))
        if (e->d_name[0] != '.')
            n++;
    closedir (d);
    return n;
}

static int timer_fired;
static flux_watcher_t *timer_seen;

static void timer_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    timer_fired++;
    timer_seen = w;
    if (arg != &timer_fired)
        timer_fired = -1000;
}

static int outer_fired;

static void outer_cb (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)
{
    outer_fired++;
}

int main (void)
{
    /* Warm up: whatever a first reactor opens once per process stays. */
    flux_reactor_t *r = flux_reactor_create (0);
    flux_watcher_t *w = flux_timer_watcher_create (r, 0., 0., NULL, NULL);
    flux_watcher_destroy (w);
    flux_reactor_destroy (r);
    int fds = count_fds ();

    if (!(r = flux_reactor_create (0)))
        return 1;

    /* The layout of a watcher made by the library. */
    w = flux_timer_watcher_create (r, 0.001, 0., timer_cb, &timer_fired);
    ok (w != NULL, "flux_timer_watcher_create works");
    ok (L(w)->r == r, "the watcher's reactor is at flux-core's offset");
    ok (L(w)->fn == timer_cb && L(w)->arg == &timer_fired,
        "its callback and arg are at flux-core's offsets");
    ok (L(w)->ops && L(w)->ops->start && L(w)->ops->stop
        && L(w)->ops->is_active,
        "it points to a table of operations");
    if (fluxgo_only ())
        ok (L(w)->ops->destroy && L(w)->ops->ref && L(w)->ops->unref
            && L(w)->ops->set_priority,
            "the library's table has every entry (flux-core's timers leave some out)");
    ok (L(w)->unreferenced == false, "it starts referenced");

    /* Started, run and stopped through the table. */
    foreign_start (w);
    ok (flux_watcher_is_active (w) && foreign_is_active (w),
        "started through ops->start, it is active (both ways of asking)");
    ok (flux_reactor_run (r, 0) >= 0 && timer_fired == 1 && timer_seen == w,
        "it fires once, with its own pointer and arg");
    foreign_start (w);
    foreign_stop (w);
    ok (!flux_watcher_is_active (w) && !foreign_is_active (w),
        "stopped through ops->stop, it is inactive");

    /* Referenced state: the copy reads and writes the flag itself. */
    foreign_unref (w);
    ok (!flux_watcher_is_referenced (w), "ops->unref unreferences it");
    flux_watcher_ref (w);
    ok (L(w)->unreferenced == false, "flux_watcher_ref clears the flag the copy reads");
    flux_watcher_unref (w);
    ok (L(w)->unreferenced == true, "flux_watcher_unref sets it");
    foreign_ref (w);
    ok (flux_watcher_is_referenced (w), "ops->ref references it again");

    /* An unreferenced active watcher does not keep a run going. */
    foreign_unref (w);
    flux_timer_watcher_reset (w, 30., 0.);
    foreign_start (w);
    ok (flux_reactor_run (r, 0) == 0, "unreferenced through the copy, it does not keep the run going");
    foreign_stop (w);

    /* Destroyed by the copy: it stops, destroys, drops the reactor
     * reference and frees the memory. */
    foreign_start (w);
    foreign_destroy (w);
    ok (flux_reactor_run (r, 0) == 0, "destroyed by the copy, it no longer runs");

    /* A check watcher's priority through the table. */
    w = flux_check_watcher_create (r, NULL, NULL);
    foreign_set_priority (w, 2);
    foreign_start (w);
    ok (flux_watcher_is_active (w), "ops->set_priority then ops->start on a check watcher");
    /* Destroyed by the library after being driven by the copy. */
    flux_watcher_destroy (w);

    /* The library's own destroy of a watcher the copy started. */
    w = flux_idle_watcher_create (r, NULL, NULL);
    foreign_start (w);
    flux_watcher_destroy (w);
    ok (flux_reactor_run (r, FLUX_REACTOR_NOWAIT) >= 0,
        "a watcher started by the copy is destroyed by flux_watcher_destroy");

    /* A watcher of the copy's own kind, on the library's reactor. */
    flux_watcher_t *outer = pair_create (r, outer_cb, NULL);
    ok (outer != NULL, "the copy makes its own watcher from public calls");
    foreign_start (outer);
    ok (foreign_is_active (outer), "it is active once started");
    ok (flux_reactor_run (r, 0) == 0 && outer_fired == 3,
        "it fires three times, then stops itself and the run ends");

    /* Reactor references: watchers keep the reactor alive after its
     * creator lets it go; the copy's destroy drops the last one. */
    w = flux_timer_watcher_create (r, 0.001, 0., timer_cb, &timer_fired);
    flux_reactor_destroy (r);
    foreign_start (w);
    foreign_start (outer);
    ok (flux_reactor_run (r, 0) >= 0 && timer_fired == 2,
        "the reactor keeps running on the watchers' references");
    foreign_destroy (outer);
    foreign_destroy (w);
    /* Not more than before (the Go runtime may close one of its own). */
    int after = count_fds ();
    ok (after <= fds, "once the watchers are destroyed by the copy, the reactor is freed (%d fds, %d before)",
        after, fds);

    return done_testing ();
}
