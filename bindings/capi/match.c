/* Hand-written C parts of libflux-core that need no Go: flux_match_init
 * returns a struct by value, which cgo exports cannot do. */

#include <errno.h>
#include <stdlib.h>
#include "flux/core.h"

struct flux_match flux_match_init (int typemask,
                                   uint32_t matchtag,
                                   const char *topic_glob)
{
    struct flux_match m = { typemask, matchtag, topic_glob };
    return m;
}

void flux_match_free (struct flux_match m)
{
    int saved = errno;
    free ((char *)m.topic_glob);
    errno = saved;
}
