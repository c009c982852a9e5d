/* The operations table of flux_watcher_t tokens (see watcher_compat.h).
 * Each entry goes straight to the Go export behind our own function of
 * the same name, so that a foreign copy of flux_watcher_start calling
 * ops->start cannot end up calling itself again. Errors are not reported:
 * the callers of these operations return nothing. */

#include "watcher_compat.h"
#include "_cgo_export.h"

static void op_set_priority (flux_watcher_t *w, int priority)
{
    int e = 0;
    fluxgo_flux_watcher_set_priority (w, priority, &e);
}

static void op_start (flux_watcher_t *w)
{
    int e = 0;
    fluxgo_flux_watcher_start (w, &e);
}

static void op_stop (flux_watcher_t *w)
{
    int e = 0;
    fluxgo_flux_watcher_stop (w, &e);
}

static void op_ref (flux_watcher_t *w)
{
    int e = 0;
    fluxgo_flux_watcher_ref (w, &e);
}

static void op_unref (flux_watcher_t *w)
{
    int e = 0;
    fluxgo_flux_watcher_unref (w, &e);
}

static void op_destroy (flux_watcher_t *w)
{
    fluxgo_watcher_op_destroy (w);
}

static bool op_is_active (flux_watcher_t *w)
{
    int e = 0;
    return fluxgo_flux_watcher_is_active (w, &e);
}

const struct fluxgo_watcher_ops fluxgo_watcher_ops = {
    .set_priority = op_set_priority,
    .start = op_start,
    .stop = op_stop,
    .ref = op_ref,
    .unref = op_unref,
    .destroy = op_destroy,
    .is_active = op_is_active,
};
