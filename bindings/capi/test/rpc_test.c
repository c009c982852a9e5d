/* C ABI tests of RPCs, futures, events, services, logging and reconnect,
 * against a broker: `make ctest` runs them under the stand-in broker
 * (build/bin/fluxbroker -- TEST); they run unchanged under flux-core's
 * `flux start`. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flux/core.h>
#include "tap.h"

static void test_rpc (flux_t *h)
{
    flux_future_t *f;
    const char *s = NULL, *value = NULL;
    int flags = -1, rc;

    f = flux_rpc (h, "attr.get", "{\"name\":\"rank\"}", FLUX_NODEID_ANY, 0);
    ok (f != NULL, "flux_rpc attr.get");
    rc = flux_rpc_get (f, &s);
    ok (rc == 0 && s && strstr (s, "\"value\":\"0\""), "flux_rpc_get returns the payload (%s)", s ? s : "(null)");
    ok (flux_rpc_get_matchtag (f) != FLUX_MATCHTAG_NONE, "the RPC has a matchtag");
    ok (flux_rpc_get_nodeid (f) == FLUX_NODEID_ANY, "flux_rpc_get_nodeid is the nodeid passed");
    flux_future_destroy (f);

    f = flux_rpc_pack (h, "attr.get", FLUX_NODEID_ANY, 0, "{s:s}", "name", "size");
    rc = f ? flux_rpc_get_unpack (f, "{s:s s:i}", "value", &value, "flags", &flags) : -1;
    ok (rc == 0 && strcmp (value, "1") == 0 && flags == 1, "flux_rpc_pack / flux_rpc_get_unpack (size=%s flags=%d)",
        value ? value : "(null)", flags);
    flux_future_destroy (f);

    f = flux_rpc (h, "nosuch.ping", NULL, FLUX_NODEID_ANY, 0);
    errno = 0;
    ok (flux_rpc_get (f, &s) < 0 && errno == ENOSYS, "an unknown service fails with ENOSYS");
    ok (flux_future_has_error (f), "the future has an error");
    ok (strcmp (flux_future_error_string (f), "No service matching nosuch.ping is registered") == 0,
        "flux_future_error_string is the broker's text");
    flux_future_destroy (f);

    f = flux_rpc (h, "attr.get", "{\"name\":\"nosuch-attr\"}", FLUX_NODEID_ANY, 0);
    errno = 0;
    ok (flux_rpc_get (f, NULL) < 0 && errno == ENOENT, "an unknown attribute fails with ENOENT");
    ok (strcmp (flux_future_error_string (f), "No such file or directory") == 0,
        "without text, the error string is strerror");
    flux_future_destroy (f);

    f = flux_rpc (h, "broker.ping", "{}", 5, 0);
    errno = 0;
    ok (flux_rpc_get (f, NULL) < 0 && errno == EHOSTUNREACH, "a request to rank 5 fails with EHOSTUNREACH");
    flux_future_destroy (f);

    f = flux_rpc (h, "broker.ping", "{}", FLUX_NODEID_ANY, FLUX_RPC_NORESPONSE);
    ok (f && flux_future_get (f, NULL) == 0, "a NORESPONSE future is fulfilled at once");
    errno = 0;
    ok (flux_rpc_get (f, NULL) < 0 && errno == EINVAL, "flux_rpc_get on it fails with EINVAL");
    flux_future_destroy (f);

    errno = 0;
    ok (flux_rpc (h, "a.b", NULL, FLUX_NODEID_ANY, 4) == NULL && errno == EINVAL, "unknown RPC flags fail with EINVAL");
    errno = 0;
    ok (flux_rpc (NULL, "a.b", NULL, FLUX_NODEID_ANY, 0) == NULL && errno == EINVAL, "a NULL handle fails with EINVAL");

    f = flux_rpc (h, "attr.get", "{\"name\":\"rank\"}", FLUX_NODEID_ANY, 0);
    ok (flux_future_wait_for (f, 5.0) == 0 && flux_future_is_ready (f), "flux_future_wait_for waits for the response");
    flux_future_destroy (f);
}

static void test_streaming (flux_t *h)
{
    flux_future_t *f = flux_rpc (h, "state-machine.monitor", "{\"final\":5}", FLUX_NODEID_ANY, FLUX_RPC_STREAMING);
    int state = -1, n = 0;

    while (flux_rpc_get_unpack (f, "{s:i}", "state", &state) == 0) {
        n++;
        flux_future_reset (f);
    }
    ok (n == 1 && state == 5 && errno == ENODATA, "a streaming RPC gives one response then ENODATA (n=%d)", n);
    flux_future_destroy (f);
}

static void test_attr (flux_t *h)
{
    flux_error_t error;
    uint32_t size = 0;
    double t = 0;

    ok (flux_get_size (h, &size) == 0 && size == 1, "flux_get_size is 1");
    errno = 0;
    ok (flux_attr_set_ex (h, "rank", "7", false, &error) < 0 && errno == EINVAL
        && strcmp (error.text, "attribute may not be updated") == 0,
        "flux_attr_set_ex of rank fails with the broker's text (%s)", error.text);
    errno = 0;
    ok (flux_attr_set (h, "rank", NULL) < 0 && errno == EINVAL, "flux_attr_set with NULL value fails with EINVAL");
    ok (flux_get_instance_starttime (h, &t) == 0 && t > 0, "flux_get_instance_starttime");
}

static void test_events (flux_t *h)
{
    flux_future_t *f;
    flux_msg_t *m;
    const char *topic = NULL, *s = NULL;
    int seq = -1, x = 0;

    ok (flux_event_subscribe (h, "ctest.") == 0, "flux_event_subscribe ctest.");
    f = flux_event_publish (h, "ctest.one", 0, "{\"a\":1}");
    x = f ? flux_event_publish_get_seq (f, &seq) : -1;
    ok (x == 0 && seq > 0, "flux_event_publish returns a sequence number (%d)", seq);
    flux_future_destroy (f);
    m = flux_recv (h, FLUX_MATCH_EVENT, 0);
    ok (m && flux_event_decode (m, &topic, &s) == 0 && strcmp (topic, "ctest.one") == 0
        && strcmp (s, "{\"a\":1}") == 0, "the published event arrives and decodes");
    flux_msg_destroy (m);

    m = flux_event_pack ("ctest.two", "{s:i}", "x", 42);
    ok (m && flux_send (h, m, 0) == 0, "a raw event built with flux_event_pack is sent");
    flux_msg_destroy (m);
    m = flux_recv (h, FLUX_MATCH_EVENT, 0);
    ok (m && flux_event_unpack (m, &topic, "{s:i}", "x", &x) == 0 && x == 42 && strcmp (topic, "ctest.two") == 0,
        "it arrives and flux_event_unpack reads it");
    flux_msg_destroy (m);

    errno = 0;
    f = flux_event_publish (h, "ctest.bad", 1 /* FLUX_EVENT_PRIVATE */, NULL);
    ok (f == NULL && errno == EINVAL, "flux_event_publish rejects FLUX_EVENT_PRIVATE with EINVAL");
    ok (flux_event_unsubscribe (h, "ctest.") == 0, "flux_event_unsubscribe");
    errno = 0;
    ok (flux_event_unsubscribe (h, "ctest.") < 0 && errno == ENOENT, "a second unsubscribe fails with ENOENT");
}

static void test_service (flux_t *h)
{
    flux_t *provider = flux_open (NULL, 0);
    flux_future_t *f;
    flux_msg_t *req;
    const char *topic = NULL, *s = NULL;
    int n = 0;

    f = flux_service_register (provider, "ctestsvc");
    ok (f && flux_future_get (f, NULL) == 0, "flux_service_register ctestsvc");
    flux_future_destroy (f);

    f = flux_rpc_pack (h, "ctestsvc.echo", FLUX_NODEID_ANY, 0, "{s:i}", "n", 7);
    req = flux_recv (provider, FLUX_MATCH_REQUEST, 0);
    ok (req && flux_request_unpack (req, &topic, "{s:i}", "n", &n) == 0 && n == 7
        && strcmp (topic, "ctestsvc.echo") == 0, "the provider receives the request");
    ok (flux_respond_pack (provider, req, "{s:i}", "n", n + 1) == 0, "flux_respond_pack");
    ok (flux_rpc_get_unpack (f, "{s:i}", "n", &n) == 0 && n == 8, "the caller gets the response");
    flux_future_destroy (f);
    flux_msg_destroy (req);

    f = flux_rpc (h, "ctestsvc.fail", NULL, FLUX_NODEID_ANY, 0);
    req = flux_recv (provider, FLUX_MATCH_REQUEST, 0);
    ok (flux_respond_error (provider, req, EPERM, "go away") == 0, "flux_respond_error");
    errno = 0;
    ok (flux_rpc_get (f, &s) < 0 && errno == EPERM && strcmp (flux_future_error_string (f), "go away") == 0,
        "the caller gets EPERM with the text");
    flux_future_destroy (f);
    flux_msg_destroy (req);

    f = flux_service_register (h, "ctestsvc");
    errno = 0;
    ok (f && flux_future_get (f, NULL) < 0 && errno == EEXIST, "registering a taken name fails with EEXIST");
    flux_future_destroy (f);
    f = flux_service_unregister (provider, "ctestsvc");
    ok (f && flux_future_get (f, NULL) == 0, "flux_service_unregister");
    flux_future_destroy (f);
    flux_close (provider);
}

static void test_log (flux_t *h)
{
    flux_log_set_appname (h, "rpc_test");
    errno = EAGAIN;
    ok (flux_log (h, 6, "hello %d", 42) == 0 && errno == EAGAIN, "flux_log succeeds and keeps errno");
    errno = ENOENT;
    flux_log_error (h, "something");
    ok (errno == ENOENT, "flux_log_error keeps errno");
}

static int reconnects;

static int comms_error (flux_t *h, void *arg)
{
    int tries = 0;
    while (flux_reconnect (h) < 0) {
        if (++tries == 50)
            return -1;
        usleep (100 * 1000);
    }
    reconnects++;
    return 0;
}

static void test_reconnect (void)
{
    flux_t *h = flux_open (NULL, FLUX_O_RPCTRACK);
    flux_t *provider = flux_open (NULL, 0);
    flux_future_t *f, *reg;
    flux_msg_t *req;

    reg = flux_service_register (provider, "ctesthang");
    flux_future_get (reg, NULL);
    flux_future_destroy (reg);
    flux_comms_error_set (h, comms_error, NULL);
    f = flux_rpc (h, "ctesthang.wait", NULL, FLUX_NODEID_ANY, 0);
    req = flux_recv (provider, FLUX_MATCH_REQUEST, 0); /* pending now, never answered */
    flux_msg_destroy (req);

    ok (kill (getppid (), SIGHUP) == 0, "ask the stand-in broker to restart");
    errno = 0;
    ok (flux_rpc_get (f, NULL) < 0 && errno == ECONNRESET, "the pending RPC fails with ECONNRESET");
    ok (strcmp (flux_future_error_string (f), "RPC aborted due to broker reconnect") == 0,
        "with the text 'RPC aborted due to broker reconnect'");
    ok (reconnects == 1, "the comms-error callback reconnected once");
    flux_future_destroy (f);
    f = flux_rpc (h, "state-machine.wait", NULL, FLUX_NODEID_ANY, 0);
    ok (flux_future_get (f, NULL) == 0, "state-machine.wait works after the reconnect");
    flux_future_destroy (f);
    flux_close (provider);
    flux_close (h);
}

int main (void)
{
    flux_t *h = flux_open (NULL, 0);

    if (!ok (h != NULL, "flux_open (NULL, 0) reaches the broker"))
        return done_testing ();
    test_rpc (h);
    test_streaming (h);
    test_attr (h);
    test_events (h);
    test_service (h);
    test_log (h);
    flux_close (h);
    if (fluxgo_only ())
        test_reconnect ();   /* needs the stand-in's restart on SIGHUP */
    return done_testing ();
}
