/* C ABI tests of connector.h: a handle made with flux_handle_create() on a
 * connector written in C (fakeconn.h) works with the handle functions —
 * send, receive, options, reconnect, the reactor, message handlers, RPCs
 * and clones — absent operations fail as flux-core's do, and flux_open()
 * loads connector DSOs from FLUX_CONNECTOR_PATH (built by the Makefile
 * into ../ctest-dso next to this test's directory).
 *
 * With FLUX_CORE set (make exports it) and a broker at FLUX_URI, it also
 * loads flux-core's own ssh connector DSO under another scheme name and
 * talks to the broker through it, with a stand-in ssh that runs the
 * remote command (flux relay) locally. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <flux/core.h>
#include "tap.h"
#include "fakeconn.h"

static void test_sendrecv (void)
{
    struct fakeconn *fc = NULL;
    int destroyed = 0;
    flux_t *h = fake_open (NULL, 0, &fc);
    flux_msg_t *msg, *rcv;
    const char *topic;
    int n;

    if (!ok (h != NULL && fc != NULL, "flux_handle_create with a C ops table works"))
        return;
    fc->destroyed = &destroyed;
    msg = flux_request_encode ("fake.hello", "payload");
    ok (flux_send (h, msg, 0) == 0 && fc->sends == 1,
        "flux_send calls the connector's send");
    flux_msg_destroy (msg);
    ok (flux_opt_get (h, "fake::count", &n, sizeof (n)) == 0 && n == 1,
        "flux_opt_get calls the connector's getopt");
    ok ((flux_pollevents (h) & FLUX_POLLIN) != 0,
        "flux_pollevents reports POLLIN from the connector");
    rcv = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (rcv != NULL && flux_msg_get_topic (rcv, &topic) == 0
        && strcmp (topic, "fake.hello") == 0,
        "flux_recv returns the message the connector's recv gives");
    flux_msg_destroy (rcv);
    errno = 0;
    ok (flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK) == NULL && errno == EWOULDBLOCK,
        "flux_recv passes on the connector's EWOULDBLOCK");
    n = 1;
    errno = 0;
    ok (flux_opt_set (h, "fake::count", &n, sizeof (n)) < 0 && errno == EPERM,
        "flux_opt_set passes on the connector's errno");
    errno = 0;
    ok (flux_opt_get (h, "fake::nope", &n, sizeof (n)) < 0 && errno == EINVAL,
        "flux_opt_get of an unknown option fails with the connector's EINVAL");
    ok (flux_reconnect (h) == 0 && fc->reconnects == 1,
        "flux_reconnect calls the connector's reconnect");
    ok (flux_pollfd (h) >= 0, "flux_pollfd works on the connector's descriptor");
    flux_handle_destroy (h);
    ok (destroyed == 1, "flux_handle_destroy calls impl_destroy");
}

static void test_empty_ops (void)
{
    static struct flux_handle_ops ops;
    flux_t *h = flux_handle_create (NULL, &ops, 0);
    flux_msg_t *msg = flux_event_encode ("fake.event", NULL);
    int n;

    if (!ok (h != NULL, "flux_handle_create with an empty ops table works"))
        return;
    errno = 0;
    ok (flux_send (h, msg, 0) < 0 && errno == ENOSYS, "no send op: flux_send fails with ENOSYS");
    errno = 0;
    ok (flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK) == NULL && errno == ENOSYS,
        "no recv op: flux_recv fails with ENOSYS");
    errno = 0;
    ok (flux_opt_get (h, FLUX_OPT_TESTING_USERID, &n, sizeof (n)) < 0 && errno == EINVAL,
        "no getopt op: flux_opt_get fails with EINVAL");
    errno = 0;
    ok (flux_opt_set (h, FLUX_OPT_TESTING_USERID, &n, sizeof (n)) < 0 && errno == EINVAL,
        "no setopt op: flux_opt_set fails with EINVAL");
    errno = 0;
    ok (flux_reconnect (h) < 0 && errno == ENOSYS, "no reconnect op: flux_reconnect fails with ENOSYS");
    ok (flux_pollfd (h) >= 0, "no pollfd op: flux_pollfd still works (requeue queue only)");
    ok (flux_requeue (h, msg, FLUX_RQ_TAIL) == 0, "flux_requeue works");
    flux_msg_t *rcv = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (rcv != NULL, "a requeued message comes back without a recv op");
    flux_msg_destroy (rcv);
    flux_msg_destroy (msg);
    flux_close (h);
}

static void echo_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    int x;
    if (flux_request_unpack (msg, NULL, "{s:i}", "x", &x) < 0)
        flux_respond_error (h, msg, errno, NULL);
    else
        flux_respond_pack (h, msg, "{s:i}", "x", x + 1);
}

static int rpc_result = -1;

static void rpc_cont (flux_future_t *f, void *arg)
{
    int x;
    if (flux_rpc_get_unpack (f, "{s:i}", "x", &x) == 0)
        rpc_result = x;
    flux_reactor_stop (flux_future_get_reactor (f));
}

static void test_reactor_rpc (void)
{
    flux_t *h = fake_open (NULL, 0, NULL);
    flux_msg_handler_t *mh;
    struct flux_match match = FLUX_MATCH_REQUEST;
    flux_future_t *f;

    match.topic_glob = "fake.echo";
    mh = flux_msg_handler_create (h, match, echo_cb, NULL);
    ok (mh != NULL, "a message handler is created on the handle");
    flux_msg_handler_start (mh);
    f = flux_rpc_pack (h, "fake.echo", FLUX_NODEID_ANY, 0, "{s:i}", "x", 41);
    ok (f != NULL && flux_future_then (f, 5., rpc_cont, NULL) == 0,
        "an RPC is sent through the connector");
    ok (flux_reactor_run (flux_get_reactor (h), 0) >= 0 && rpc_result == 42,
        "the reactor dispatches the request to the handler and the response to the RPC");
    flux_future_destroy (f);
    flux_msg_handler_destroy (mh);
    flux_close (h);
}

static void test_clone (void)
{
    struct fakeconn *fc = NULL;
    flux_t *h = fake_open (NULL, 0, &fc);
    flux_t *c = flux_clone (h);
    flux_msg_t *msg = flux_event_encode ("fake.clone", NULL);
    flux_msg_t *rcv;
    int n;

    ok (c != NULL, "flux_clone works on the handle");
    ok (flux_send (c, msg, 0) == 0 && fc->sends == 1, "a clone sends through the root's connector");
    ok (flux_opt_get (c, "fake::count", &n, sizeof (n)) == 0 && n == 1,
        "a clone reads the root's connector options");
    rcv = flux_recv (h, FLUX_MATCH_EVENT, FLUX_O_NONBLOCK);
    ok (rcv != NULL, "the root receives what the clone sent");
    flux_msg_destroy (rcv);
    flux_msg_destroy (msg);
    flux_close (c);
    flux_close (h);
}

static void test_dso (const char *dsodir)
{
    flux_error_t error;
    flux_t *h;
    const char *path;
    char buf[PATH_MAX + 64];

    setenv ("FLUX_CONNECTOR_PATH", dsodir, 1);
    h = flux_open_ex ("fakeconn://some/where \t", 0, &error);
    ok (h != NULL, "flux_open loads the connector DSO fakeconn.so from FLUX_CONNECTOR_PATH");
    path = h ? flux_aux_get (h, "fake::path") : NULL;
    ok (path && strcmp (path, "some/where") == 0,
        "connector_init gets the path after :// without trailing blanks");
    if (h) {
        flux_msg_t *msg = flux_event_encode ("fake.dso", NULL);
        flux_msg_t *rcv;
        ok (flux_send (h, msg, 0) == 0
            && (rcv = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK)) != NULL,
            "the DSO's connector sends and receives");
        flux_msg_destroy (rcv);
        flux_msg_destroy (msg);
        flux_close (h);
    }
    h = flux_open ("fakeconn", 0);
    path = h ? flux_aux_get (h, "fake::path") : NULL;
    ok (path && strcmp (path, "(null)") == 0, "a URI without :// gives connector_init a NULL path");
    flux_close (h);

    errno = 0;
    ok (flux_open_ex ("fakeconn://fail", 0, &error) == NULL && errno == EHOSTUNREACH
        && strcmp (error.text, "fakeconn: told to fail") == 0,
        "connector_init's errno and error text are passed on");
    errno = 0;
    ok (flux_open_ex ("nope://x", 0, &error) == NULL && errno == ENOENT
        && strcmp (error.text, "Unable to find connector name 'nope'") == 0,
        "an unknown scheme fails with ENOENT: %s", error.text);
    errno = 0;
    h = flux_open_ex ("nosym://x", 0, &error);
    snprintf (buf, sizeof (buf), "/nosym.so: missing connector_init symbol");
    ok (h == NULL && errno == EINVAL && strstr (error.text, buf) != NULL,
        "a DSO without connector_init fails with EINVAL: %s", error.text);
    setenv ("FLUX_CONNECTOR_PATH", "/nonexistent", 1);
    errno = 0;
    ok (flux_open_ex ("fakeconn://x", 0, &error) == NULL && errno == ENOENT,
        "a connector off the search path is not found");
    unsetenv ("FLUX_CONNECTOR_PATH");
}

/* flux-core's ssh.so as the connector of scheme "fcssh": FLUX_SSH is a
 * script that drops ssh's options and host and runs the rest here. */
static void test_flux_core_dso (void)
{
    const char *prefix = getenv ("FLUX_CORE");
    const char *uri = getenv ("FLUX_URI");
    char dir[] = "/tmp/connector_test.XXXXXX";
    char so[PATH_MAX], link[PATH_MAX + 16], ssh[PATH_MAX + 16], rcmd[PATH_MAX];
    char u[PATH_MAX + 32], cmd[PATH_MAX + 16];
    flux_error_t error;
    flux_future_t *f;
    const char *rank;
    FILE *fp;
    flux_t *h;

    if (!prefix || !uri || strncmp (uri, "local://", 8) != 0)
        return;
    snprintf (so, sizeof (so), "%s/lib/flux/connectors/ssh.so", prefix);
    if (access (so, R_OK) < 0 || !mkdtemp (dir))
        return;
    snprintf (link, sizeof (link), "%s/fcssh.so", dir);
    snprintf (ssh, sizeof (ssh), "%s/ssh", dir);
    snprintf (rcmd, sizeof (rcmd), "%s/bin/flux", prefix);
    if (symlink (so, link) < 0 || !(fp = fopen (ssh, "w"))) {
        ok (0, "could not set up %s", dir);
        return;
    }
    fprintf (fp, "#!/bin/sh\n"
                 "while [ $# -gt 0 ]; do case \"$1\" in -p) shift 2;; -*) shift;; *) shift; break;; esac; done\n"
                 "exec sh -c \"$*\"\n");
    fclose (fp);
    chmod (ssh, 0755);
    setenv ("FLUX_CONNECTOR_PATH", dir, 1);
    setenv ("FLUX_SSH", ssh, 1);
    setenv ("FLUX_SSH_RCMD", rcmd, 1);
    snprintf (u, sizeof (u), "fcssh://localhost%s", uri + 8);
    h = flux_open_ex (u, 0, &error);
    ok (h != NULL, "flux-core's ssh connector DSO opens a handle on our library: %s",
        h ? "" : error.text);
    if (h) {
        rank = flux_attr_get (h, "rank");
        ok (rank && strcmp (rank, "0") == 0, "flux_attr_get works through it");
        f = flux_rpc (h, "broker.ping", "{}", FLUX_NODEID_ANY, 0);
        ok (f && flux_rpc_get (f, NULL) == 0, "an RPC works through it");
        flux_future_destroy (f);
        flux_close (h);
    }
    unsetenv ("FLUX_CONNECTOR_PATH");
    unsetenv ("FLUX_SSH");
    unsetenv ("FLUX_SSH_RCMD");
    snprintf (cmd, sizeof (cmd), "rm -rf %s", dir);
    if (system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", dir);
}

int main (int argc, char *argv[])
{
    char self[PATH_MAX], dsodir[PATH_MAX];

    snprintf (self, sizeof (self), "%s", argv[0]);
    snprintf (dsodir, sizeof (dsodir), "%s/../ctest-dso", dirname (self));

    test_sendrecv ();
    test_empty_ops ();
    test_reactor_rpc ();
    test_clone ();
    test_dso (dsodir);
    test_flux_core_dso ();
    return done_testing ();
}
