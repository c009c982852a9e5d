/* C ABI tests of what a module's author calls (module.h, method.h), on a
 * loop:// handle: requests it sends come back to it. */
#include <errno.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

static int flags_seen = -1;

static void debug_cb (flux_future_t *f, void *arg)
{
    if (flux_rpc_get_unpack (f, "{s:i}", "flags", &flags_seen) < 0)
        flags_seen = -2;
    flux_reactor_stop (flux_future_get_reactor (f));
}

static void stats_cb (flux_future_t *f, void *arg)
{
    int *rx = arg;
    if (flux_rpc_get_unpack (f, "{s:{s:i}}", "rx", "request", rx) < 0)
        *rx = -2;
    flux_reactor_stop (flux_future_get_reactor (f));
}

int main (void)
{
    flux_t *h = flux_open ("loop://", 0);
    flux_msg_handler_t **handlers = NULL;
    flux_msg_t *msg;
    flux_conf_t *conf = NULL;
    flux_future_t *f;
    const char *topic;
    int rx = -1;

    if (!h)
        return 1;
    ok (!flux_module_debug_test (h, 1, false), "no debug flags before any debug request");
    ok (flux_module_set_running (h) == 0, "flux_module_set_running works");
    msg = flux_recv (h, FLUX_MATCH_REQUEST, FLUX_O_NONBLOCK);
    ok (msg && flux_msg_get_topic (msg, &topic) == 0 && strcmp (topic, "module.status") == 0
        && flux_msg_is_noresponse (msg),
        "it sends module.status expecting no response");
    flux_msg_destroy (msg);

    msg = flux_request_encode ("mod.config-reload", "{\"a\":{\"b\":1}}");
    ok (flux_module_config_request_decode (msg, &conf) == 0 && conf != NULL,
        "flux_module_config_request_decode works");
    flux_conf_decref (conf);
    ok (flux_module_config_request_decode (msg, NULL) == 0, "and accepts conf=NULL");
    flux_msg_destroy (msg);
    msg = flux_request_encode ("mod.config-reload", NULL);
    errno = 0;
    ok (flux_module_config_request_decode (msg, &conf) < 0 && errno == EPROTO,
        "a request without a payload fails with EPROTO");
    flux_msg_destroy (msg);

    ok (flux_register_default_methods (h, "mod", &handlers) == 0 && handlers && handlers[0],
        "flux_register_default_methods works");
    f = flux_rpc_pack (h, "mod.debug", FLUX_NODEID_ANY, 0, "{s:s s:i}", "op", "setbit", "flags", 5);
    ok (f && flux_future_then (f, 5., debug_cb, NULL) == 0
        && flux_reactor_run (flux_get_reactor (h), 0) >= 0 && flags_seen == 5,
        "mod.debug setbit 5 answers flags 5");
    flux_future_destroy (f);
    ok (flux_module_debug_test (h, 4, true) && !flux_module_debug_test (h, 4, false)
        && flux_module_debug_test (h, 1, false),
        "flux_module_debug_test sees and clears flag 4");
    f = flux_rpc (h, "mod.stats-get", NULL, FLUX_NODEID_ANY, 0);
    ok (f && flux_future_then (f, 5., stats_cb, &rx) == 0
        && flux_reactor_run (flux_get_reactor (h), 0) >= 0 && rx >= 2,
        "mod.stats-get counts the requests received (%d)", rx);
    flux_future_destroy (f);
    flux_msg_handler_delvec (handlers);
    flux_close (h);
    return done_testing ();
}
