/* A plugin that needs a symbol nothing defines: loading it with
 * FLUX_PLUGIN_RTLD_NOW fails in dlopen. */
#include <flux/core.h>

extern int fluxgo_test_undefined_symbol (void);

int flux_plugin_init (flux_plugin_t *p)
{
    return fluxgo_test_undefined_symbol ();
}
