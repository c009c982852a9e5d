/* flux_conf_builtin_get(): the install paths of the flux-core this
 * library stands in for.  They are computed from one prefix,
 * fluxgo_builtin_prefix() (set by the Makefile from FLUX_PREFIX, by
 * default flux-core's own default /usr/local), with flux-core's install
 * layout.
 * fluxgo has no build tree of flux-core, so every hint gives the
 * installed value. */

#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flux/core.h"

#include "_cgo_export.h"

static const char *prefix;

struct builtin_path {
    const char *key;
    const char *suffix;  /* appended to the prefix; NULL: value is fixed */
    const char *fixed;
    char *value;
};

static struct builtin_path paths[] = {
    { "confdir",           "/etc/flux", NULL, NULL },
    { "libexecdir",        "/libexec/flux", NULL, NULL },
    { "datadir",           "/share/flux", NULL, NULL },
    { "lua_cpath_add",     "/lib/lua/5.1/?.so", NULL, NULL },
    { "lua_path_add",      "/share/lua/5.1/?.lua", NULL, NULL },
    { "python_path",       NULL, NULL, NULL },  /* see python_path() */
    { "python_wrapper",    "/libexec/flux/cmd/py-runner.py", NULL, NULL },
    { "man_path",          "/share/man", NULL, NULL },
    { "exec_path",         "/libexec/flux/cmd", NULL, NULL },
    { "connector_path",    "/lib/flux/connectors", NULL, NULL },
    { "module_path",       "/lib/flux/modules", NULL, NULL },
    { "rc1_path",          NULL, "flux modprobe rc1", NULL },
    { "rc3_path",          NULL, "flux modprobe rc3", NULL },
    { "cmdhelp_pattern",   "/share/flux/help.d/*.json", NULL, NULL },
    { "pmi_library_path",  "/lib/flux/libpmi.so", NULL, NULL },
    { "shell_path",        "/libexec/flux/flux-shell", NULL, NULL },
    { "shell_pluginpath",  "/lib/flux/shell/plugins", NULL, NULL },
    { "shell_initrc",      "/etc/flux/shell/initrc.lua", NULL, NULL },
    { "jobtap_pluginpath", "/lib/flux/job-manager/plugins", NULL, NULL },
    { "upmi_pluginpath",   "/lib/flux/upmi/plugins", NULL, NULL },
    { "no_docs_path",      "/share/flux/.nodocs", NULL, NULL },
    { "rundir",            NULL, "/run/flux", NULL },
};

static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

/* flux-core installs its Python package under lib/flux/pythonX.Y; use
 * the one present (the newest by name), else python3. */
static char *python_path (void)
{
    glob_t gl;
    char pattern[4096];
    char *s = NULL;

    snprintf (pattern, sizeof (pattern), "%s/lib/flux/python3*", prefix);
    if (glob (pattern, 0, NULL, &gl) == 0) {
        if (gl.gl_pathc > 0)
            s = strdup (gl.gl_pathv[gl.gl_pathc - 1]);
        globfree (&gl);
    }
    if (!s && asprintf (&s, "%s/lib/flux/python3", prefix) < 0)
        s = NULL;
    return s;
}

static void paths_init (void)
{
    prefix = fluxgo_builtin_prefix ();
    for (size_t i = 0; i < sizeof (paths) / sizeof (paths[0]); i++) {
        struct builtin_path *p = &paths[i];
        if (p->fixed)
            continue;
        if (!p->suffix)
            p->value = python_path ();
        else if (asprintf (&p->value, "%s%s", prefix, p->suffix) < 0)
            p->value = NULL;
    }
}

const char *flux_conf_builtin_get (const char *key,
                                   enum flux_conf_builtin_hint hint)
{
    pthread_once (&paths_once, paths_init);
    if (key) {
        for (size_t i = 0; i < sizeof (paths) / sizeof (paths[0]); i++) {
            if (strcmp (paths[i].key, key) == 0) {
                const char *v = paths[i].fixed ? paths[i].fixed : paths[i].value;
                if (v)
                    return v;
                break;
            }
        }
    }
    errno = EINVAL;
    return NULL;
}
