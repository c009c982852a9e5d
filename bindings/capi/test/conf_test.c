/* C ABI tests of conf.h: configuration objects made, copied, packed and
 * unpacked; TOML configuration directories and files parsed and merged
 * as flux-core merges them, with "FILE:LINE: reason" errors; the forms
 * of flux_conf_update; and a handle's configuration (flux_get_conf,
 * flux_set_conf_new). The reason texts of TOML and JSON syntax errors
 * come from different parsers in fluxgo and flux-core, so only their
 * file and line are compared. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <flux/core.h>
#include "tap.h"

static char dir[256];

static void write_file (const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf (path, sizeof (path), "%s/%s", dir, name);
    if (!(f = fopen (path, "w"))) {
        perror (path);
        exit (1);
    }
    fputs (text, f);
    fclose (f);
}

static int starts_with (const char *s, const char *prefix)
{
    return strncmp (s, prefix, strlen (prefix)) == 0;
}

static void test_objects (void)
{
    flux_error_t error;
    flux_conf_t *conf = flux_conf_create ();
    flux_conf_t *cpy;
    const char *s = NULL, *s2 = NULL;
    int i = 0;
    double d = 0;

    ok (conf != NULL, "flux_conf_create works");
    ok (flux_conf_unpack (conf, &error, "{}") == 0, "a new configuration is an empty object");
    errno = 0;
    ok (flux_conf_unpack (conf, &error, "{s:i}", "x", &i) < 0 && errno == EINVAL
        && strcmp (error.text, "Object item not found: x") == 0,
        "unpacking a missing key fails with EINVAL: %s", error.text);
    errno = 0;
    ok (flux_conf_unpack (conf, &error, "") < 0 && errno == EINVAL
        && strcmp (error.text, "Invalid argument") == 0,
        "an empty format fails with EINVAL: %s", error.text);
    flux_conf_decref (conf);

    conf = flux_conf_pack ("{s:i s:f s:s s:{s:b}}", "i", 3, "f", 2.5, "s", "str", "t", "b", 1);
    ok (conf != NULL, "flux_conf_pack works");
    ok (flux_conf_unpack (conf, &error, "{s:i s:f s:s s:{s:b}}", "i", &i, "f", &d, "s", &s, "t", "b", &i) == 0
        && d == 2.5 && strcmp (s, "str") == 0 && i == 1,
        "flux_conf_unpack reads what was packed");
    ok (flux_conf_unpack (conf, &error, "{s:i}", "f", &i) < 0,
        "a real is not unpacked as an integer: %s", error.text);
    ok (flux_conf_unpack (conf, &error, "{s:s}", "s", &s2) == 0 && s2 == s,
        "unpacked strings stay put across unpacks");
    errno = 0;
    ok (flux_conf_pack (NULL) == NULL && errno == EINVAL, "flux_conf_pack NULL fails with EINVAL");

    cpy = flux_conf_copy (conf);
    ok (cpy != NULL && flux_conf_update (cpy, "i=7", &error) == 0
        && flux_conf_unpack (cpy, &error, "{s:i}", "i", &i) == 0 && i == 7
        && flux_conf_unpack (conf, &error, "{s:i}", "i", &i) == 0 && i == 3,
        "a copy is independent of the original");
    flux_conf_decref (cpy);
    ok (flux_conf_incref (conf) == conf, "flux_conf_incref returns its argument");
    flux_conf_decref (conf);
    ok (flux_conf_unpack (conf, &error, "{s:i}", "i", &i) == 0, "the configuration lives while referenced");
    flux_conf_decref (conf);
    flux_conf_decref (NULL);
}

static void test_parse (void)
{
    flux_error_t error;
    flux_conf_t *conf;
    char path[512], want[600];
    int x = 0, z = 0;
    double y = 0;
    const char *name = NULL, *ts = NULL;
    int n1 = 0, n3 = 0;

    errno = 0;
    ok (flux_conf_parse ("/nonexistent", &error) == NULL && errno == ENOENT
        && strcmp (error.text, "stat: /nonexistent: No such file or directory") == 0,
        "parsing a missing path: ENOENT, %s", error.text);
    conf = flux_conf_parse (dir, &error);
    ok (conf != NULL && flux_conf_unpack (conf, &error, "{}") == 0,
        "an empty directory is an empty configuration");
    flux_conf_decref (conf);

    write_file ("a.toml", "[tbl]\nx = 1\nname = \"a\"\nlist = [1, 2, 3]\n[only_a]\nz = 5\n");
    write_file ("b.toml", "[tbl]\ny = 2.5\nname = \"b\"\nwhen = 2024-01-02T03:04:05Z\n");
    write_file ("ignored.txt", "this is not toml");
    conf = flux_conf_parse (dir, &error);
    ok (conf != NULL, "a directory of TOML files parses: %s", conf ? "" : error.text);
    ok (conf && flux_conf_unpack (conf, &error, "{s:{s:i s:f s:s s:[i,i,i] s:{s:s}} s:{s:i}}",
                                  "tbl", "x", &x, "y", &y, "name", &name,
                                  "list", &n1, &x, &n3, "when", "iso-8601-ts", &ts,
                                  "only_a", "z", &z) == 0,
        "its tables are merged key by key: %s", error.text);
    ok (x == 2 && n1 == 1 && n3 == 3 && y == 2.5 && z == 5 && name && strcmp (name, "b") == 0,
        "later files win for keys in both");
    ok (ts && strcmp (ts, "2024-01-02T03:04:05Z") == 0,
        "a datetime becomes {\"iso-8601-ts\": ...}: %s", ts ? ts : "(null)");
    flux_conf_decref (conf);

    write_file ("c.toml", "[ok]\nv = 1\nthis is bad\n");
    snprintf (want, sizeof (want), "%s/c.toml:3: ", dir);
    errno = 0;
    ok (flux_conf_parse (dir, &error) == NULL && errno == EINVAL && starts_with (error.text, want),
        "a bad file fails with EINVAL and FILE:LINE: %s", error.text);
    snprintf (path, sizeof (path), "%s/c.toml", dir);
    unlink (path);

    snprintf (path, sizeof (path), "%s/a.toml", dir);
    conf = flux_conf_parse (path, &error);
    ok (conf && flux_conf_unpack (conf, &error, "{s:{s:i}}", "tbl", "x", &x) == 0 && x == 1,
        "a single TOML file parses");
    flux_conf_decref (conf);

    write_file ("j.json", "{\"j\": {\"k\": 4}}");
    snprintf (path, sizeof (path), "%s/j.json", dir);
    conf = flux_conf_parse (path, &error);
    ok (conf && flux_conf_unpack (conf, &error, "{s:{s:i}}", "j", "k", &x) == 0 && x == 4,
        "a .json file is read as JSON");
    flux_conf_decref (conf);
    write_file ("arr.json", "[1]");
    snprintf (path, sizeof (path), "%s/arr.json", dir);
    snprintf (want, sizeof (want), "%s: JSON must be an object", path);
    errno = 0;
    ok (flux_conf_parse (path, &error) == NULL && errno == EINVAL && strcmp (error.text, want) == 0,
        "a JSON file that is not an object: %s", error.text);
    write_file ("bad.json", "{\n\"a\": }\n");
    snprintf (path, sizeof (path), "%s/bad.json", dir);
    snprintf (want, sizeof (want), "%s:2: ", path);
    ok (flux_conf_parse (path, &error) == NULL && starts_with (error.text, want),
        "a bad JSON file fails with FILE:LINE: %s", error.text);
    chmod (dir, 0);
    if (access (dir, R_OK) < 0) {
        snprintf (want, sizeof (want), "%s: Permission denied", dir);
        errno = 0;
        ok (flux_conf_parse (dir, &error) == NULL && errno == EACCES && strcmp (error.text, want) == 0,
            "an unreadable directory: %s", error.text);
    }
    chmod (dir, 0755);
}

static void test_update (void)
{
    flux_error_t error;
    flux_conf_t *conf = flux_conf_create ();
    int i = 0, b = 0;
    const char *s = NULL;
    char path[512];

    ok (flux_conf_update (conf, "a.b.c=42", &error) == 0
        && flux_conf_unpack (conf, &error, "{s:{s:{s:i}}}", "a", "b", "c", &i) == 0 && i == 42,
        "KEY=VAL sets a dotted key to a JSON value");
    ok (flux_conf_update (conf, "s=hello world", &error) == 0
        && flux_conf_unpack (conf, &error, "{s:s}", "s", &s) == 0 && strcmp (s, "hello world") == 0,
        "KEY=VAL with a value that is not JSON sets a string");
    errno = 0;
    ok (flux_conf_update (conf, "=x", &error) < 0 && errno == EINVAL
        && strcmp (error.text, "value must have a key in KEY=VAL") == 0,
        "=VAL fails: %s", error.text);
    errno = 0;
    ok (flux_conf_update (conf, "a.b.c.d=1", &error) < 0
        && strcmp (error.text, "setting a.b.c.d: Cannot allocate memory") == 0,
        "a key through a value that is not a table fails as in flux-core: %s", error.text);
    errno = 0;
    ok (flux_conf_update (conf, "a..b=1", &error) < 0 && errno == EINVAL
        && strcmp (error.text, "setting a..b: Invalid argument") == 0,
        "an empty key component fails with EINVAL: %s", error.text);
    ok (flux_conf_update (conf, "{\"j\": true, \"a\": {\"x\": 1}}", &error) == 0
        && flux_conf_unpack (conf, &error, "{s:b s:{s:i s:{s:i}}}", "j", &b, "a", "x", &i, "b", "c", &i) == 0
        && b == 1 && i == 42,
        "inline JSON is merged recursively");
    ok (flux_conf_update (conf, "t = 5\n[a]\ny = 6\n", &error) == 0
        && flux_conf_unpack (conf, &error, "{s:i s:{s:i s:i}}", "t", &i, "a", "y", &b, "x", &i) == 0
        && b == 6 && i == 1,
        "inline TOML is merged recursively");
    ok (flux_conf_update (conf, "{bad", &error) < 0 && starts_with (error.text, "inline JSON: "),
        "bad inline JSON: %s", error.text);
    ok (flux_conf_update (conf, "t = \nu = 1\n", &error) < 0 && starts_with (error.text, "line 1: "),
        "bad inline TOML: %s", error.text);
    snprintf (path, sizeof (path), "%s/a.toml", dir);
    ok (flux_conf_update (conf, path, &error) == 0
        && flux_conf_unpack (conf, &error, "{s:{s:s}}", "tbl", "name", &s) == 0 && strcmp (s, "a") == 0,
        "a path is parsed and merged");
    errno = 0;
    ok (flux_conf_update (conf, "/nonexistent", &error) < 0 && errno == ENOENT
        && strcmp (error.text, "/nonexistent: No such file or directory") == 0,
        "a missing file: %s", error.text);
    errno = 0;
    ok (flux_conf_update (NULL, "x=1", &error) < 0 && errno == EINVAL
        && strcmp (error.text, "Invalid argument") == 0,
        "flux_conf_update NULL fails with EINVAL");
    flux_conf_decref (conf);
}

static void test_handle (void)
{
    flux_t *h = flux_open ("loop://", 0);
    flux_error_t error;
    const flux_conf_t *conf;
    flux_conf_t *mine;
    int i = 0;

    conf = flux_get_conf (h);
    ok (conf != NULL && flux_conf_unpack (conf, &error, "{}") == 0
        && flux_conf_unpack (conf, &error, "{s:i}", "x", &i) < 0,
        "flux_get_conf of a client handle is an empty configuration");
    ok (flux_get_conf (h) == conf, "it is the same object each time");
    mine = flux_conf_pack ("{s:i}", "x", 12);
    ok (flux_set_conf_new (h, mine) == 0 && flux_get_conf (h) == mine
        && flux_conf_unpack (flux_get_conf (h), &error, "{s:i}", "x", &i) == 0 && i == 12,
        "flux_set_conf_new gives the handle a configuration");
    flux_close (h);
}

/* Install paths: those of the flux-core at FLUX_CORE when make set it
 * (the library is built for that prefix). */
static void test_builtin (void)
{
    const char *prefix = getenv ("FLUX_CORE");
    const char *s;
    char want[512];

    s = flux_conf_builtin_get ("connector_path", FLUX_CONF_INSTALLED);
    ok (s && s[0] == '/' && strstr (s, "/lib/flux/connectors") != NULL,
        "connector_path is an install path: %s", s ? s : "(null)");
    if (prefix && s) {
        snprintf (want, sizeof (want), "%s/lib/flux/connectors", prefix);
        ok (strcmp (s, want) == 0, "it is under FLUX_CORE");
        s = flux_conf_builtin_get ("exec_path", FLUX_CONF_AUTO);
        snprintf (want, sizeof (want), "%s/libexec/flux/cmd", prefix);
        ok (s && strcmp (s, want) == 0, "exec_path is FLUX_CORE's: %s", s ? s : "(null)");
    }
    s = flux_conf_builtin_get ("rc1_path", FLUX_CONF_INSTALLED);
    ok (s && strcmp (s, "flux modprobe rc1") == 0, "rc1_path is flux modprobe rc1");
    errno = 0;
    ok (flux_conf_builtin_get ("nope", FLUX_CONF_INSTALLED) == NULL && errno == EINVAL,
        "an unknown key fails with EINVAL");
    errno = 0;
    ok (flux_conf_builtin_get (NULL, FLUX_CONF_AUTO) == NULL && errno == EINVAL,
        "a NULL key fails with EINVAL");
}

int main (int argc, char *argv[])
{
    char cmd[300];

    snprintf (dir, sizeof (dir), "/tmp/conf_test.XXXXXX");
    if (!mkdtemp (dir)) {
        perror ("mkdtemp");
        return 1;
    }
    test_objects ();
    test_parse ();
    test_update ();
    test_handle ();
    test_builtin ();
    snprintf (cmd, sizeof (cmd), "rm -rf %s", dir);
    if (system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", dir);
    return done_testing ();
}
