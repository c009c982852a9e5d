/* A tiny TAP harness for the C ABI tests: ok() records one result,
 * done_testing() prints the plan and a summary line and returns the exit
 * status (0 only if every check passed). */
#ifndef FLUXGO_TAP_H
#define FLUXGO_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

/* Checks of behaviour where fluxgo is stricter than flux-core (which would
 * crash, say, on a NULL out-pointer) run only against fluxgo's library:
 * `make ctest` sets FLUXGO_CTEST_EXTENSIONS, `make ctest-flux-core` not. */
static inline int fluxgo_only (void)
{
    return getenv ("FLUXGO_CTEST_EXTENSIONS") != NULL;
}

static inline int ok (int cond, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static inline int ok (int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf ("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start (ap, fmt);
    vprintf (fmt, ap);
    va_end (ap);
    printf ("\n");
    fflush (stdout);
    return cond;
}

static inline int done_testing (void)
{
    printf ("1..%d\n", tap_count);
    printf ("# %d passed, %d failed\n", tap_count - tap_failed, tap_failed);
    return tap_failed ? 1 : 0;
}

#endif
