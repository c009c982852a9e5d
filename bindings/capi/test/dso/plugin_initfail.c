/* A plugin whose flux_plugin_init() fails with EPERM. */
#include <errno.h>
#include <flux/core.h>

int flux_plugin_init (flux_plugin_t *p)
{
    errno = EPERM;
    return -1;
}
