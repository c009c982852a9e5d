/* A plugin for plugin_test: flux_plugin_init() names the plugin and adds
 * handlers; "test.fail" fails with ENOTSUP, every other "test.*" topic
 * answers {"result": TOPIC, "x": conf's x (or -1)}. */
#include <errno.h>
#include <flux/core.h>

static int test_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args, void *data)
{
    int x = -1;
    (void)flux_plugin_conf_unpack (p, "{s:i}", "x", &x);
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:s s:i}", "result", topic, "x", x);
}

static int fail_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args, void *data)
{
    errno = ENOTSUP;
    return -1;
}

int flux_plugin_init (flux_plugin_t *p)
{
    if (flux_plugin_set_name (p, "test-plugin") < 0
        || flux_plugin_add_handler (p, "test.fail", fail_cb, NULL) < 0
        || flux_plugin_add_handler (p, "test.*", test_cb, NULL) < 0)
        return -1;
    return 0;
}
