/* flux_stats_set_prefix, the printf-style function of stats.h: it formats
 * in C and hands the text to the runtime through the internal export
 * fluxgo_stats_set_prefix_text (generated from the spec). */

#include <stdarg.h>
#include <stdio.h>
#include "flux/core.h"
#include "_cgo_export.h"

void flux_stats_set_prefix (flux_t *h, const char *fmt, ...)
{
    char prefix[128];
    va_list ap;
    int n;
    int e = 0;

    if (!h || !fmt)
        return;
    va_start (ap, fmt);
    n = vsnprintf (prefix, sizeof (prefix), fmt, ap);
    va_end (ap);
    if (n < 0 || n >= (int)sizeof (prefix))
        return;
    fluxgo_stats_set_prefix_text (h, prefix, &e);
}
