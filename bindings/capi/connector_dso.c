/* Connector DSOs: flux_open() of a URI whose scheme has no builtin
 * connector looks for SCHEME.so in the directories of FLUX_CONNECTOR_PATH
 * (else the builtin connector_path), loads it and calls its
 * connector_init(), which makes the handle with flux_handle_create(). */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flux/core.h"
#include "capi.h"

static void set_text (flux_error_t *errp, const char *fmt, ...)
{
    va_list ap;
    if (!errp)
        return;
    va_start (ap, fmt);
    vsnprintf (errp->text, sizeof (errp->text), fmt, ap);
    va_end (ap);
}

int fluxgo_dlopen_deepbind (void)
{
    const char *s = getenv ("FLUX_LOAD_WITH_DEEPBIND");
    if (s && strtol (s, NULL, 10) == 0)
        return 0;
    return RTLD_DEEPBIND;
}

/* The real path of the first NAME found in the colon-separated
 * directories of searchpath (not recursing), or NULL. */
static char *search_dirs (const char *searchpath, const char *name)
{
    char *copy, *dir, *save = NULL, *found = NULL;

    if (!searchpath || !(copy = strdup (searchpath)))
        return NULL;
    for (dir = strtok_r (copy, ":", &save); dir && !found;
         dir = strtok_r (NULL, ":", &save)) {
        char path[PATH_MAX];
        if (snprintf (path, sizeof (path), "%s/%s", dir, name) >= (int)sizeof (path))
            continue;
        if (access (path, F_OK) == 0)
            found = realpath (path, NULL);
    }
    free (copy);
    return found;
}

void fluxgo_dso_close (void *dso)
{
    if (dso)
        dlclose (dso);
}

/* Open path (NULL when the URI had no "://") with the connector for
 * scheme found on the search path; *dsop is the loaded DSO, for the
 * caller to close with the handle. */
flux_t *fluxgo_connector_dso_open (const char *scheme,
                                   const char *path,
                                   int flags,
                                   flux_error_t *errp,
                                   void **dsop)
{
    const char *searchpath = getenv ("FLUX_CONNECTOR_PATH");
    char name[PATH_MAX];
    char *file;
    void *dso;
    connector_init_f *init;
    flux_t *h;
    int saved;

    *dsop = NULL;
    if (!searchpath)
        searchpath = flux_conf_builtin_get ("connector_path", FLUX_CONF_AUTO);
    if (snprintf (name, sizeof (name), "%s.so", scheme) >= (int)sizeof (name)) {
        set_text (errp, "Connector path too long");
        errno = ENAMETOOLONG;
        return NULL;
    }
    if (!(file = search_dirs (searchpath, name))) {
        set_text (errp, "Unable to find connector name '%s'", scheme);
        errno = ENOENT;
        return NULL;
    }
    if (!(dso = dlopen (file, RTLD_LAZY | RTLD_LOCAL | fluxgo_dlopen_deepbind ()))) {
        set_text (errp, "dlopen: %s: %s", file, dlerror ());
        free (file);
        errno = EINVAL;
        return NULL;
    }
    if (!(init = (connector_init_f *)dlsym (dso, "connector_init"))) {
        set_text (errp, "%s: missing connector_init symbol", file);
        free (file);
        dlclose (dso);
        errno = EINVAL;
        return NULL;
    }
    free (file);
    if (!(h = init (path, flags, errp))) {
        saved = errno;
        dlclose (dso);
        errno = saved;
        return NULL;
    }
    *dsop = dso;
    return h;
}
