/* Compatibility header for the flux_open(3) example.
 *
 * The man page's example includes flux-core's internal logging header for
 * log_err_exit(). fluxgo does not ship flux-core's internals, so this small
 * header provides the one function the example uses, letting the example
 * compile unchanged with `-I examples`.
 */
#ifndef FLUXGO_EXAMPLES_LOG_H
#define FLUXGO_EXAMPLES_LOG_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print "<program message>: <strerror(errno)>" on stderr and exit 1. */
static inline void log_err_exit (const char *fmt, ...)
    __attribute__ ((noreturn, format (printf, 1, 2)));

static inline void log_err_exit (const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start (ap, fmt);
    vfprintf (stderr, fmt, ap);
    va_end (ap);
    fprintf (stderr, ": %s\n", strerror (saved));
    exit (1);
}

#endif
