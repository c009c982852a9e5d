/* The C side of a flux_watcher_t token (not installed).
 *
 * Some of flux-core's commands (flux-job, flux-exec, flux-broker) are
 * linked with their own private copy of flux-core's generic watcher
 * functions: flux_watcher_start, stop, destroy, ref, unref, is_active,
 * is_referenced and set_priority. A program's own symbols win over a
 * shared library's, so in those programs every call to these functions,
 * including calls on watchers made by this library, goes to the copy,
 * which reads the watcher as flux-core's private structure and acts
 * through the table of operations it finds there.
 *
 * So the block of C memory behind each of our flux_watcher_t pointers is
 * laid out as that structure (six members, in this order, with the C
 * compiler's natural alignment; 48 bytes on LP64):
 *
 *   r             the watcher's flux_reactor_t pointer; the token holds
 *                 one reactor reference of its own (see below)
 *   fn, arg       the C callback and argument the watcher was created
 *                 with (NULL for watchers not created through C)
 *   ops           &fluxgo_watcher_ops: each entry calls this library's
 *                 implementation directly, never the public symbol
 *   unreferenced  true while flux_watcher_unref is in effect
 *   data          NULL: a watcher's state lives in the Go runtime
 *
 * A copy's flux_watcher_destroy calls ops->stop, ops->destroy, then
 * flux_reactor_decref (r) and free (w). Our ops->destroy therefore
 * destroys the runtime watcher and forgets the token without freeing it
 * or dropping its reactor reference: the caller does both. When the
 * watcher is destroyed any other way (our flux_watcher_destroy, or its
 * owner going away), the library drops that reference and frees the
 * token itself. Either way the pointer is forgotten, so our own functions
 * refuse it with EINVAL afterwards.
 */
#ifndef FLUXGO_WATCHER_COMPAT_H
#define FLUXGO_WATCHER_COMPAT_H

#include <stdbool.h>
#include "flux/core.h"

struct fluxgo_watcher_ops {
    void (*set_priority) (flux_watcher_t *w, int priority);
    void (*start) (flux_watcher_t *w);
    void (*stop) (flux_watcher_t *w);
    void (*ref) (flux_watcher_t *w);
    void (*unref) (flux_watcher_t *w);
    void (*destroy) (flux_watcher_t *w);
    bool (*is_active) (flux_watcher_t *w);
};

struct fluxgo_watcher_token {
    flux_reactor_t *r;
    flux_watcher_f fn;
    void *arg;
    const struct fluxgo_watcher_ops *ops;
    bool unreferenced;
    void *data;
};

/* The operations every token points to. */
extern const struct fluxgo_watcher_ops fluxgo_watcher_ops;

#endif
