/* C ABI tests of the handle functions of flux_open(3), over loop://.
 * Built against build/include and build/lib by `make ctest`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <flux/core.h>
#include "tap.h"

static int destroyed[4];

static void count_destroy (void *arg)
{
    destroyed[*(int *)arg]++;
}

static void test_open_errors (void)
{
    flux_error_t error;
    flux_t *h;

    memset (&error, 'x', sizeof (error));
    errno = 0;
    h = flux_open_ex ("loop://", 0x1000, &error);
    ok (h == NULL && errno == EINVAL, "flux_open_ex with an unknown flag fails with EINVAL");
    ok (strcmp (error.text, "invalid flags specified") == 0,
        "error.text is 'invalid flags specified' (got '%s')", error.text);

    errno = 0;
    h = flux_open_ex ("foo://bar", 0, &error);
    ok (h == NULL && errno == ENOENT, "unknown scheme fails with ENOENT");
    ok (strcmp (error.text, "Unable to find connector name 'foo'") == 0,
        "error.text names the connector (got '%s')", error.text);

    errno = 0;
    h = flux_open_ex ("", 0, &error);
    ok (h == NULL && errno == ENOENT && strcmp (error.text, "Unable to find connector name ''") == 0,
        "empty URI fails with ENOENT and an empty connector name");

    errno = 0;
    h = flux_open ("loop://", 0x1000);
    ok (h == NULL && errno == EINVAL, "flux_open with an unknown flag fails with EINVAL");

    memset (&error, 'x', sizeof (error));
    h = flux_open_ex ("loop://", 0, &error);
    ok (h != NULL && error.text[0] == '\0', "successful flux_open_ex clears error.text");
    flux_close (h);
}

static void test_uri_from_environment (void)
{
    flux_t *h;
    uint32_t rank = 42, size = 0;

    setenv ("FLUX_URI", "loop://", 1);
    h = flux_open (NULL, 0);
    ok (h != NULL, "flux_open (NULL, 0) uses $FLUX_URI");
    ok (h && flux_get_rank (h, &rank) == 0 && rank == 0, "flux_get_rank on loop:// is 0");
    ok (h && flux_get_size (h, &size) == 0 && size == 1, "flux_get_size on loop:// is 1");
    if (fluxgo_only ()) {
        /* flux-core dereferences the NULL out-pointer; fluxgo refuses it */
        errno = 0;
        ok (h && flux_get_rank (h, NULL) < 0 && errno == EINVAL, "flux_get_rank with NULL rank fails with EINVAL");
    }
    flux_close (h);
    unsetenv ("FLUX_URI");
}

static void test_flags (void)
{
    flux_t *h = flux_open ("loop://", FLUX_O_MATCHDEBUG);

    ok (h && flux_flags_get (h) == FLUX_O_MATCHDEBUG, "flags given to flux_open are kept");
    flux_flags_set (h, FLUX_O_RPCTRACK | FLUX_O_NOREQUEUE | FLUX_O_TRACE | 0x1000);
    ok (flux_flags_get (h) == (FLUX_O_MATCHDEBUG | FLUX_O_TRACE),
        "flux_flags_set ignores open-only and unknown flags (flags=0x%x)", flux_flags_get (h));
    flux_flags_unset (h, FLUX_O_TRACE | FLUX_O_MATCHDEBUG);
    ok (flux_flags_get (h) == 0, "flux_flags_unset clears flags");
    errno = 0;
    ok (flux_reconnect (h) < 0 && errno == ENOSYS, "flux_reconnect on loop:// fails with ENOSYS");
    flux_close (h);
}

static void test_clone_and_aux (void)
{
    static int k0 = 0, k1 = 1, k2 = 2, k3 = 3;
    flux_t *h = flux_open ("loop://", FLUX_O_TEST_NOSUB);
    flux_t *c;

    memset (destroyed, 0, sizeof (destroyed));
    ok (flux_aux_set (h, "a", &k0, count_destroy) == 0, "flux_aux_set stores a value");
    ok (flux_aux_get (h, "a") == &k0, "flux_aux_get returns it");
    ok (flux_aux_set (h, "a", &k1, count_destroy) == 0 && destroyed[0] == 1,
        "replacing a value runs the old destructor");
    errno = 0;
    ok (flux_aux_get (h, "missing") == NULL && errno == ENOENT, "missing key fails with ENOENT");
    errno = 0;
    ok (flux_aux_get (h, NULL) == NULL && errno == EINVAL, "NULL key fails with EINVAL");
    errno = 0;
    ok (flux_aux_set (h, "b", NULL, count_destroy) < 0 && errno == EINVAL,
        "NULL value with a destructor fails with EINVAL");
    errno = 0;
    ok (flux_aux_set (h, NULL, &k2, NULL) < 0 && errno == EINVAL,
        "anonymous value without a destructor fails with EINVAL");
    ok (flux_aux_set (h, NULL, &k2, count_destroy) == 0, "anonymous value with a destructor is stored");

    c = flux_clone (h);
    ok (c != NULL && c != h, "flux_clone returns a new handle");
    ok (c && flux_flags_get (c) == (FLUX_O_TEST_NOSUB | FLUX_O_CLONE),
        "the clone has the parent's flags plus FLUX_O_CLONE");
    errno = 0;
    ok (c && flux_aux_get (c, "a") == NULL && errno == ENOENT, "the clone does not see the parent's aux");
    ok (flux_aux_set (c, "a", &k3, count_destroy) == 0 && flux_aux_get (h, "a") == &k1,
        "aux set on the clone stays on the clone");
    flux_flags_set (c, FLUX_O_TRACE);
    ok (flux_flags_get (h) == FLUX_O_TEST_NOSUB, "flags set on the clone do not reach the parent");

    flux_close (h);
    ok (destroyed[1] == 0 && destroyed[2] == 0, "the parent outlives flux_close while a clone holds it");
    flux_close (c);
    ok (destroyed[3] == 1, "closing the clone runs its aux destructor");
    ok (destroyed[1] == 1 && destroyed[2] == 1, "closing the last reference runs the parent's destructors");

    errno = 0;
    ok (flux_clone (NULL) == NULL && errno == EINVAL, "flux_clone (NULL) fails with EINVAL");
    if (fluxgo_only ()) {
        /* flux-core cannot tell a foreign pointer from a handle */
        errno = 0;
        ok (flux_clone ((flux_t *)&k0) == NULL && errno == EINVAL,
            "flux_clone of a foreign pointer fails with EINVAL");
    }
    flux_close (NULL);
    ok (1, "flux_close (NULL) is a no-op");
}

static void test_incref (void)
{
    static int k = 0;
    flux_t *h = flux_open ("loop://", 0);

    memset (destroyed, 0, sizeof (destroyed));
    flux_aux_set (h, "k", &k, count_destroy);
    ok (flux_incref (h) == h, "flux_incref returns the handle");
    flux_close (h);
    ok (destroyed[0] == 0, "the handle survives one close after incref");
    flux_decref (h);
    ok (destroyed[0] == 1, "flux_decref drops the last reference");
}

static char redirected[512];
static int redirect_calls;

static void log_redirect (const char *buf, int len, void *arg)
{
    redirect_calls++;
    snprintf (redirected, sizeof (redirected), "%.*s", len, buf);
    *(int *)arg += 1;
}

static void test_conf_and_log_redirect (void)
{
    flux_t *h = flux_open ("loop://", 0);
    const flux_conf_t *conf;
    int count = 0;

    ok (h != NULL, "loop:// handle for conf and log redirect");
    conf = flux_get_conf (h);
    ok (conf != NULL, "flux_get_conf makes an empty configuration on first use");
    ok (flux_get_conf (h) == conf, "and returns the same one after");
    errno = 0;
    ok (flux_get_conf (NULL) == NULL && errno == EINVAL, "flux_get_conf (NULL): EINVAL");
    ok (flux_set_conf_new (h, NULL) == 0, "flux_set_conf_new (h, NULL) removes it");
    ok (flux_get_conf (h) != NULL, "a new empty configuration is made on the next get");
    errno = 0;
    ok (flux_set_conf_new (NULL, NULL) < 0 && errno == EINVAL, "flux_set_conf_new (NULL, ...): EINVAL");

    flux_log_set_appname (h, "redirtest");
    flux_log_set_redirect (h, log_redirect, &count);
    ok (flux_log (h, LOG_INFO, "hello %d", 42) == 0, "flux_log with a redirect");
    ok (redirect_calls == 1 && count == 1, "the redirect ran once with its arg");
    ok (strstr (redirected, "redirtest") != NULL && strstr (redirected, "hello 42") != NULL,
        "it got the formatted message: %s", redirected);
    ok ((int)strlen (redirected) > 0 && redirected[0] == '<', "in RFC 5424 form, starting with the priority");
    flux_log_set_redirect (h, NULL, NULL);
    flux_log (h, LOG_INFO, "not redirected");
    ok (redirect_calls == 1, "flux_log_set_redirect (h, NULL, NULL) stops redirecting");
    flux_close (h);
}

/* The ssh connector's child gets the program's environment as it is when
 * flux_open runs, including variables set with setenv(3) since start-up.
 * A fake remote shell records the variable, answers the connection
 * with the auth byte and waits for the end of its input. */
static void test_ssh_child_environment (void)
{
    char dir[] = "/tmp/fluxgo-sshenv-XXXXXX";
    char script[256], out[256], buf[128] = "";
    FILE *fp;
    flux_t *h;

    if (!ok (mkdtemp (dir) != NULL, "temporary directory for a fake ssh"))
        return;
    snprintf (script, sizeof (script), "%s/ssh", dir);
    snprintf (out, sizeof (out), "%s/env", dir);
    fp = fopen (script, "w");
    if (fp) {
        fprintf (fp, "#!/bin/sh\necho \"$FLUXGO_MARK\" > %s\nprintf '\\000'\nexec cat > /dev/null\n", out);
        fclose (fp);
    }
    ok (fp && chmod (script, 0755) == 0, "fake ssh written");
    setenv ("FLUX_SSH", script, 1);
    setenv ("FLUXGO_MARK", "set-after-start", 1);
    h = flux_open ("ssh://example/run/flux/local", 0);
    ok (h != NULL, "flux_open of an ssh:// URI through the fake ssh");
    flux_close (h);
    fp = fopen (out, "r");
    if (fp) {
        if (!fgets (buf, sizeof (buf), fp))
            buf[0] = '\0';
        fclose (fp);
    }
    ok (strcmp (buf, "set-after-start\n") == 0, "the ssh child saw a variable set with setenv (got '%s')", buf);
    unsetenv ("FLUX_SSH");
    unsetenv ("FLUXGO_MARK");
    unlink (out);
    unlink (script);
    rmdir (dir);
}

/* flux_open has no error buffer: when the ssh program cannot be run the
 * ssh connector says why on stderr (flux_open_ex puts it in error.text
 * instead and prints nothing). */
static void test_ssh_hint_on_stderr (void)
{
    char path[] = "/tmp/fluxgo-stderr-XXXXXX";
    char buf[512] = "";
    int fd = mkstemp (path);
    int saved = dup (2);
    flux_error_t error;
    flux_t *h;
    ssize_t n;

    if (!ok (fd >= 0 && saved >= 0, "a file to catch stderr in"))
        return;
    setenv ("FLUX_SSH", "/nonexistent/ssh", 1);
    fflush (stderr);
    dup2 (fd, 2);
    errno = 0;
    h = flux_open_ex ("ssh://example/run/flux/local", 0, &error);
    ok (h == NULL && errno == ENOENT, "flux_open_ex with a missing ssh fails with ENOENT");
    n = pread (fd, buf, sizeof (buf) - 1, 0);
    ok (n == 0, "and prints nothing (%zd bytes)", n);
    errno = 0;
    h = flux_open ("ssh://example/run/flux/local", 0);
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    ok (h == NULL && errno == ENOENT, "flux_open with a missing ssh fails with ENOENT");
    n = pread (fd, buf, sizeof (buf) - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    ok (strcmp (buf, "ssh-connector: /nonexistent/ssh: No such file or directory\n"
                     "Hint: set FLUX_SSH in environment to override\n") == 0,
        "and says why on stderr: %s", buf);
    close (fd);
    unlink (path);
    unsetenv ("FLUX_SSH");
}

int main (void)
{
    test_open_errors ();
    test_uri_from_environment ();
    test_flags ();
    test_clone_and_aux ();
    test_incref ();
    test_conf_and_log_redirect ();
    test_ssh_child_environment ();
    test_ssh_hint_on_stderr ();
    return done_testing ();
}
