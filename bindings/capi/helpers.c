/* Small C helpers of the export layer. */
#include <stdlib.h>
#include "capi.h"

void fluxgo_free_with (flux_free_f fn, void *p)
{
    if (fn)
        fn (p);
    else
        free (p);
}
