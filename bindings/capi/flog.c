/* The printf-style logging functions of flog.h. They format in C, then
 * hand the text to the runtime through the internal exports
 * fluxgo_log_text and fluxgo_log_error_text (generated from the spec). */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "flux/core.h"
#include "_cgo_export.h"

int flux_vlog (flux_t *h, int level, const char *fmt, va_list ap)
{
    int saved = errno;
    int e = 0;
    char *text = NULL;
    int rc;

    if (!fmt)
        fmt = "";
    if (vasprintf (&text, fmt, ap) < 0) {
        errno = ENOMEM;
        return -1;
    }
    rc = fluxgo_log_text (h, level, text, &e);
    free (text);
    if (rc < 0) {
        errno = e ? e : EIO;
        return -1;
    }
    errno = saved;
    return 0;
}

int flux_log (flux_t *h, int level, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = flux_vlog (h, level, fmt, ap);
    va_end (ap);
    return rc;
}

void flux_log_verror (flux_t *h, const char *fmt, va_list ap)
{
    int saved = errno;
    int e = 0;
    char *text = NULL;

    if (!fmt)
        fmt = "";
    if (vasprintf (&text, fmt, ap) >= 0) {
        fluxgo_log_error_text (h, saved, text, &e);
        free (text);
    }
    errno = saved;
}

void flux_log_error (flux_t *h, const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    flux_log_verror (h, fmt, ap);
    va_end (ap);
}

void flux_llog (void *arg, const char *file, int line, const char *func,
                const char *subsys, int level, const char *fmt, va_list ap)
{
    (void)file;
    (void)line;
    (void)func;
    (void)subsys;
    flux_vlog ((flux_t *)arg, level, fmt, ap);
}
