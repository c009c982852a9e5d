/* Internal declarations shared by the hand-written C and Go files of
 * libflux-core (not installed). */
#ifndef FLUXGO_CAPI_H
#define FLUXGO_CAPI_H

#include "flux/core.h"

/* Free p with fn, or with free(3) when fn is NULL. */
void fluxgo_free_with (flux_free_f fn, void *p);

/* Fail as a planned (not yet implemented) function: fill error, when
 * not NULL, with "NAME: not implemented in fluxgo yet" and set errno to
 * ENOSYS. */
void fluxgo_not_implemented (flux_error_t *error, const char *name);

/* flux_kvsdir_destroy as a flux_free_f, for directories kept on a
 * future. */
flux_free_f fluxgo_kvsdir_destroy_fn (void);

/* Tell the load-time wait (loadwait.c) that the Go runtime is up. */
void fluxgo_loadwait_done (void);

#endif
