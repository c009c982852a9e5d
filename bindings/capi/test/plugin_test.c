/* C ABI tests of plugin.h: plugin objects, their handlers matched by
 * topic glob, configuration, aux items and argument objects, and loading
 * plugins from shared objects (built by the Makefile into ../ctest-dso
 * next to this test's directory).  Where flux-core leaves errno as it
 * was after a JSON parse or unpack failure, fluxgo sets EINVAL; that is
 * checked against fluxgo only. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

static char dsodir[PATH_MAX];

static int calls;

static int count_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args, void *data)
{
    calls++;
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:s s:s}",
                                 "handler", (const char *)data, "topic", topic);
}

static int fail_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args, void *data)
{
    errno = EHOSTDOWN;
    return -1;
}

static int freed;

static void count_free (void *arg)
{
    freed++;
}

static void test_basics (void)
{
    flux_plugin_t *p = flux_plugin_create ();
    flux_plugin_t *q = flux_plugin_create ();
    const char *uuid, *s;
    int x = 0;

    if (!ok (p != NULL && q != NULL, "flux_plugin_create works"))
        return;
    ok (flux_plugin_get_name (p) == NULL, "a new plugin has no name");
    ok (flux_plugin_get_path (p) == NULL, "a new plugin has no path");
    ok (flux_plugin_get_flags (p) == FLUX_PLUGIN_RTLD_LAZY, "default flags are FLUX_PLUGIN_RTLD_LAZY");
    uuid = flux_plugin_get_uuid (p);
    ok (uuid && strlen (uuid) == 36 && uuid[8] == '-' && uuid[14] == '4',
        "the plugin has a version 4 UUID: %s", uuid ? uuid : "(null)");
    ok (uuid && strcmp (uuid, flux_plugin_get_uuid (q)) != 0, "two plugins have different UUIDs");
    ok (flux_plugin_set_name (p, "alpha") == 0 && strcmp (flux_plugin_get_name (p), "alpha") == 0,
        "flux_plugin_set_name works");
    errno = 0;
    ok (flux_plugin_set_name (p, NULL) < 0 && errno == EINVAL, "flux_plugin_set_name NULL fails with EINVAL");
    ok (strlen (flux_plugin_strerror (p)) > 0, "flux_plugin_strerror has a text after a failure");
    ok (flux_plugin_set_name (p, "alpha") == 0 && strcmp (flux_plugin_strerror (p), "") == 0,
        "a successful call clears it");
    ok (flux_plugin_set_flags (p, FLUX_PLUGIN_RTLD_NOW | FLUX_PLUGIN_RTLD_GLOBAL) == 0
        && flux_plugin_get_flags (p) == (FLUX_PLUGIN_RTLD_NOW | FLUX_PLUGIN_RTLD_GLOBAL),
        "flux_plugin_set_flags works");
    errno = 0;
    ok (flux_plugin_set_flags (p, 1024) < 0 && errno == EINVAL, "unknown flags fail with EINVAL");

    errno = 0;
    ok (flux_plugin_get_conf (p) == NULL && errno == ENOENT
        && strcmp (flux_plugin_strerror (p), "No plugin conf set") == 0,
        "flux_plugin_get_conf without conf: ENOENT, No plugin conf set");
    errno = 0;
    ok (flux_plugin_conf_unpack (p, "{s:i}", "x", &x) < 0 && errno == ENOENT,
        "flux_plugin_conf_unpack without conf fails with ENOENT");
    errno = 0;
    ok (flux_plugin_set_conf (p, "a") < 0 && (errno == EINVAL || !fluxgo_only ())
        && strncmp (flux_plugin_strerror (p), "parse error: col 1:", 19) == 0,
        "bad JSON conf fails with EINVAL: %s", flux_plugin_strerror (p));
    ok (flux_plugin_set_conf (p, "{\"x\": 3, \"y\": \"why\"}") == 0, "flux_plugin_set_conf works");
    s = flux_plugin_get_conf (p);
    ok (s && strcmp (s, "{\"x\":3,\"y\":\"why\"}") == 0, "flux_plugin_get_conf returns compact JSON: %s", s);
    ok (flux_plugin_conf_unpack (p, "{s:i}", "x", &x) == 0 && x == 3, "flux_plugin_conf_unpack works");
    errno = 0;
    ok (flux_plugin_conf_unpack (p, "{s:i}", "y", &x) < 0 && (errno == EINVAL || !fluxgo_only ())
        && strncmp (flux_plugin_strerror (p), "unpack error: ", 14) == 0,
        "a failing unpack gives EINVAL: %s", flux_plugin_strerror (p));

    errno = 0;
    ok (flux_plugin_aux_set (p, NULL, NULL, NULL) < 0 && errno == EINVAL, "aux_set with nothing fails with EINVAL");
    errno = 0;
    ok (flux_plugin_aux_get (p, "nope") == NULL && errno == ENOENT, "aux_get of a missing key fails with ENOENT");
    ok (flux_plugin_aux_set (p, "a", &x, count_free) == 0 && flux_plugin_aux_get (p, "a") == &x,
        "aux_set/aux_get work");
    ok (flux_plugin_aux_set (p, "a", &freed, count_free) == 0 && freed == 1
        && flux_plugin_aux_get (p, "a") == &freed,
        "replacing an aux item destroys the old value");
    flux_plugin_aux_delete_value (p, &freed);
    ok (freed == 2 && flux_plugin_aux_get (p, "a") == NULL, "aux_delete_value destroys the item");
    ok (flux_plugin_aux_set (p, NULL, &x, count_free) == 0, "an anonymous aux item is accepted");
    flux_plugin_destroy (p);
    ok (freed == 3, "flux_plugin_destroy destroys the aux items");
    flux_plugin_destroy (q);
    flux_plugin_destroy (NULL);
    if (fluxgo_only ()) {
        errno = 0;
        ok (flux_plugin_set_name (p, "x") < 0 && errno == EINVAL, "a destroyed plugin is refused with EINVAL");
    }
}

static void test_handlers (void)
{
    static const struct flux_plugin_handler tab[] = {
        { "job.state.*", count_cb, "state" },
        { "job.*", count_cb, "job" },
        { NULL, NULL, NULL },
    };
    flux_plugin_t *p = flux_plugin_create ();
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    const char *handler = NULL, *topic = NULL;

    ok (flux_plugin_register (p, "reg", tab) == 0 && strcmp (flux_plugin_get_name (p), "reg") == 0,
        "flux_plugin_register adds a table and names the plugin");
    ok (flux_plugin_get_handler (p, "job.*") == count_cb, "get_handler finds a handler by its exact topic");
    ok (flux_plugin_get_handler (p, "job.state.run") == NULL, "get_handler does not match globs");
    ok (flux_plugin_match_handler (p, "job.state.run") == count_cb, "match_handler matches globs");
    ok (flux_plugin_call (p, "job.state.run", args) == 1
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:s s:s}",
                                   "handler", &handler, "topic", &topic) == 0
        && strcmp (handler, "state") == 0 && strcmp (topic, "job.state.run") == 0,
        "flux_plugin_call runs the first handler whose glob matches, with its data");
    ok (flux_plugin_call (p, "job.new", args) == 1
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "handler", &handler) == 0
        && strcmp (handler, "job") == 0,
        "a topic falls through to a later glob");
    ok (flux_plugin_call (p, "other", args) == 0, "flux_plugin_call with no match returns 0");
    ok (flux_plugin_add_handler (p, "fail", fail_cb, NULL) == 0, "flux_plugin_add_handler works");
    errno = 0;
    ok (flux_plugin_call (p, "fail", args) < 0 && errno == EHOSTDOWN,
        "a failing handler makes flux_plugin_call fail with its errno");
    ok (flux_plugin_add_handler (p, "job.state.*", NULL, NULL) == 0
        && flux_plugin_get_handler (p, "job.state.*") == NULL,
        "adding a NULL callback removes the handler");
    ok (flux_plugin_remove_handler (p, "nope") == 0, "removing an unknown handler is not an error");
    ok (flux_plugin_remove_handler (p, "job.*") == 0 && flux_plugin_call (p, "job.new", args) == 0,
        "flux_plugin_remove_handler works");
    errno = 0;
    ok (flux_plugin_add_handler (p, NULL, count_cb, NULL) < 0 && errno == EINVAL,
        "add_handler with a NULL topic fails with EINVAL");
    errno = 0;
    ok (flux_plugin_call (p, NULL, args) < 0 && errno == EINVAL, "call with a NULL topic fails with EINVAL");
    flux_plugin_arg_destroy (args);
    flux_plugin_destroy (p);
}

static void test_args (void)
{
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    char *s = NULL;
    int a = 0, b = 0;

    errno = EPERM;
    ok (strcmp (flux_plugin_arg_strerror (NULL), strerror (EPERM)) == 0,
        "flux_plugin_arg_strerror (NULL) is strerror (errno)");
    errno = 0;
    ok (flux_plugin_arg_get (args, FLUX_PLUGIN_ARG_IN, &s) < 0 && errno == ENOENT
        && strcmp (flux_plugin_arg_strerror (args), "No args currently set") == 0,
        "arg_get of unset args: ENOENT, No args currently set");
    ok (flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_IN, "{\"a\":1}") == 0
        && flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_IN, "{\"b\":2}") == 0
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i s:i}", "a", &a, "b", &b) == 0
        && a == 1 && b == 2,
        "arg_set merges into the arguments present");
    ok (flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_IN | FLUX_PLUGIN_ARG_REPLACE, "{\"b\":3}") == 0
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "a", &a) < 0
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "b", &b) == 0 && b == 3,
        "FLUX_PLUGIN_ARG_REPLACE replaces them");
    ok (flux_plugin_arg_get (args, FLUX_PLUGIN_ARG_IN, &s) == 0 && strcmp (s, "{\"b\":3}") == 0,
        "arg_get returns compact JSON");
    free (s);
    errno = 0;
    ok (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:i}", "b", &b) < 0,
        "unpacking unset output args fails: %s", flux_plugin_arg_strerror (args));
    ok (flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "k", "v") == 0
        && flux_plugin_arg_get (args, FLUX_PLUGIN_ARG_OUT, &s) == 0 && strcmp (s, "{\"k\":\"v\"}") == 0,
        "arg_pack sets the output side");
    free (s);
    errno = 0;
    ok (flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_IN, "{bad") < 0 && (errno == EINVAL || !fluxgo_only ())
        && strlen (flux_plugin_arg_strerror (args)) > 0,
        "bad JSON fails with EINVAL: %s", flux_plugin_arg_strerror (args));
    errno = 0;
    ok (flux_plugin_arg_get (args, 0, NULL) < 0 && errno == EINVAL, "arg_get with NULL out fails with EINVAL");
    flux_plugin_arg_destroy (args);
    if (fluxgo_only ()) {
        errno = 0;
        ok (flux_plugin_arg_set (args, 0, "{}") < 0 && errno == EINVAL,
            "destroyed args are refused with EINVAL");
    }
}

static void test_dso (void)
{
    char path[PATH_MAX + 32];
    flux_plugin_t *p = flux_plugin_create ();
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    const char *result = NULL;
    int x = 0;

    errno = 0;
    ok (flux_plugin_load_dso (p, "/noexist") < 0 && errno == ENOENT
        && strcmp (flux_plugin_strerror (p), "/noexist: No such file or directory") == 0,
        "loading a missing file fails with ENOENT: %s", flux_plugin_strerror (p));
    ok (flux_plugin_load_dso (p, "/tmp") < 0 && strncmp (flux_plugin_strerror (p), "dlopen: ", 8) == 0,
        "loading a directory fails in dlopen: %s", flux_plugin_strerror (p));
    snprintf (path, sizeof (path), "%s/plugin_ok.so", dsodir);
    ok (flux_plugin_set_conf (p, "{\"x\": 9}") == 0 && flux_plugin_load_dso (p, path) == 0,
        "flux_plugin_load_dso works: %s", flux_plugin_strerror (p));
    ok (strcmp (flux_plugin_get_name (p), "test-plugin") == 0, "flux_plugin_init named the plugin");
    ok (strcmp (flux_plugin_get_path (p), path) == 0, "the plugin's path is the DSO's");
    ok (flux_plugin_call (p, "test.hello", args) == 1
        && flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:s s:i}", "result", &result, "x", &x) == 0
        && strcmp (result, "test.hello") == 0 && x == 9,
        "the DSO's handler runs and reads the plugin's conf");
    errno = 0;
    ok (flux_plugin_call (p, "test.fail", args) < 0 && errno == ENOTSUP,
        "the DSO's failing handler fails flux_plugin_call");
    flux_plugin_destroy (p);

    p = flux_plugin_create ();
    snprintf (path, sizeof (path), "%s/plugin_initfail.so", dsodir);
    char want[PATH_MAX + 64];
    snprintf (want, sizeof (want), "%s: flux_plugin_init failed", path);
    ok (flux_plugin_load_dso (p, path) < 0 && strcmp (flux_plugin_strerror (p), want) == 0,
        "a failing flux_plugin_init fails the load: %s", flux_plugin_strerror (p));
    flux_plugin_destroy (p);

    p = flux_plugin_create ();
    snprintf (path, sizeof (path), "%s/plugin_undef.so", dsodir);
    ok (flux_plugin_set_flags (p, FLUX_PLUGIN_RTLD_NOW) == 0 && flux_plugin_load_dso (p, path) < 0
        && strncmp (flux_plugin_strerror (p), "dlopen: ", 8) == 0
        && strstr (flux_plugin_strerror (p), "undefined symbol") != NULL,
        "FLUX_PLUGIN_RTLD_NOW reports an undefined symbol: %s", flux_plugin_strerror (p));
    flux_plugin_destroy (p);
    flux_plugin_arg_destroy (args);
}

int main (int argc, char *argv[])
{
    char self[PATH_MAX];

    snprintf (self, sizeof (self), "%s", argv[0]);
    snprintf (dsodir, sizeof (dsodir), "%s/../ctest-dso", dirname (self));
    if (realpath (dsodir, self))
        snprintf (dsodir, sizeof (dsodir), "%s", self);

    test_basics ();
    test_handlers ();
    test_args ();
    test_dso ();
    return done_testing ();
}
