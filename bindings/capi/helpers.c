/* Small C helpers of the export layer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "capi.h"

void fluxgo_free_with (flux_free_f fn, void *p)
{
    if (fn)
        fn (p);
    else
        free (p);
}

void fluxgo_not_implemented (flux_error_t *error, const char *name)
{
    if (error)
        snprintf (error->text, sizeof (error->text), "%s: not implemented in fluxgo yet", name);
    errno = ENOSYS;
}
