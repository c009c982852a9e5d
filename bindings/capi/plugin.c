/* plugin.h: plugins as flux-core's flux command, job shell and jobtap use
 * them — a named object holding handlers matched against topics by glob,
 * a JSON configuration, aux items, and a shared object whose
 * flux_plugin_init() registers the handlers.  Plugin arguments are two
 * JSON objects (in and out) packed and unpacked with jansson.
 *
 * This lives in C rather than in the Go runtime: a plugin is code loaded
 * into the C host with dlopen(3) and called through C function pointers,
 * and its values are jansson objects; nothing of it crosses the handle.
 *
 * Every plugin and argument object handed out is remembered in a set of
 * live objects, so that a NULL, freed or foreign pointer fails with
 * EINVAL instead of being dereferenced. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <jansson.h>
#include "flux/core.h"

int fluxgo_dlopen_deepbind (void);

/* Aux items, with the rules of flux_aux_set(): named items first (newest
 * first), anonymous ones after them in insertion order. */
struct aux_entry {
    char *key;
    void *val;
    flux_free_f free_fn;
    struct aux_entry *next;
};

struct handler {
    struct flux_plugin_handler h;  /* topic is owned */
    struct handler *next;
};

struct dso_entry {
    void *dso;
    struct dso_entry *next;
};

struct flux_plugin {
    char *path;
    char *name;
    json_t *conf;
    char *conf_str;
    struct aux_entry *aux;
    struct dso_entry *dsos;
    struct handler *handlers;
    int flags;
    char last_error[128];
    char uuid[37];
};

struct flux_plugin_arg {
    json_error_t error;
    json_t *in;
    json_t *out;
};

/* The set of live objects (plugins and argument objects). */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static const void **live;
static size_t live_count, live_size;

static int live_add (const void *p)
{
    int rc = 0;
    pthread_mutex_lock (&live_lock);
    if (live_count == live_size) {
        size_t n = live_size ? live_size * 2 : 16;
        const void **l = realloc (live, n * sizeof (*l));
        if (!l)
            rc = -1;
        else {
            live = l;
            live_size = n;
        }
    }
    if (rc == 0)
        live[live_count++] = p;
    pthread_mutex_unlock (&live_lock);
    if (rc < 0)
        errno = ENOMEM;
    return rc;
}

/* Remove p from the live set; false if it was not there. */
static int live_remove (const void *p)
{
    int found = 0;
    pthread_mutex_lock (&live_lock);
    for (size_t i = 0; i < live_count; i++) {
        if (live[i] == p) {
            live[i] = live[--live_count];
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock (&live_lock);
    return found;
}

static int is_live (const void *p)
{
    int found = 0;
    if (!p)
        return 0;
    pthread_mutex_lock (&live_lock);
    for (size_t i = 0; i < live_count; i++) {
        if (live[i] == p) {
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock (&live_lock);
    return found;
}

static flux_plugin_t *plugin_live (flux_plugin_t *p)
{
    return is_live (p) ? p : NULL;
}

static flux_plugin_arg_t *arg_live (flux_plugin_arg_t *a)
{
    return is_live (a) ? a : NULL;
}

/* Record why p's last call failed (strerror(errno) without fmt) and fail
 * with errnum. */
static int plugin_fail (flux_plugin_t *p, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int plugin_fail (flux_plugin_t *p, int errnum, const char *fmt, ...)
{
    if (p) {
        if (fmt) {
            va_list ap;
            va_start (ap, fmt);
            vsnprintf (p->last_error, sizeof (p->last_error), fmt, ap);
            va_end (ap);
        }
        else
            snprintf (p->last_error, sizeof (p->last_error), "%s", strerror (errnum));
    }
    errno = errnum;
    return -1;
}

static void plugin_clear_error (flux_plugin_t *p)
{
    if (p)
        p->last_error[0] = '\0';
}

/* A random (version 4) UUID in its text form. */
static void make_uuid (char *buf, size_t size)
{
    uint8_t b[16];
    size_t n = 0;

    while (n < sizeof (b)) {
        ssize_t r = getrandom (b + n, sizeof (b) - n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            for (; n < sizeof (b); n++)
                b[n] = (uint8_t)random ();
            break;
        }
        n += r;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf (buf, size,
              "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
              b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
              b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

flux_plugin_t *flux_plugin_create (void)
{
    flux_plugin_t *p = calloc (1, sizeof (*p));
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    p->flags = FLUX_PLUGIN_RTLD_LAZY;
    make_uuid (p->uuid, sizeof (p->uuid));
    if (live_add (p) < 0) {
        free (p);
        return NULL;
    }
    return p;
}

static void aux_entry_free (struct aux_entry *e)
{
    int saved = errno;
    if (e->free_fn && e->val)
        e->free_fn (e->val);
    free (e->key);
    free (e);
    errno = saved;
}

void flux_plugin_destroy (flux_plugin_t *p)
{
    int saved = errno;

    if (!p || !live_remove (p))
        return;
    /* aux destructors may still call into the plugin's DSOs: run them
     * before the DSOs are closed. */
    while (p->aux) {
        struct aux_entry *e = p->aux;
        p->aux = e->next;
        aux_entry_free (e);
    }
    while (p->handlers) {
        struct handler *h = p->handlers;
        p->handlers = h->next;
        free ((char *)h->h.topic);
        free (h);
    }
    json_decref (p->conf);
    free (p->conf_str);
    free (p->path);
    free (p->name);
    while (p->dsos) {
        struct dso_entry *d = p->dsos;
        p->dsos = d->next;
        dlclose (d->dso);
        free (d);
    }
    free (p);
    errno = saved;
}

int flux_plugin_get_flags (flux_plugin_t *p)
{
    return plugin_live (p) ? p->flags : 0;
}

int flux_plugin_set_flags (flux_plugin_t *p, int flags)
{
    const int valid = FLUX_PLUGIN_RTLD_LAZY | FLUX_PLUGIN_RTLD_NOW
                      | FLUX_PLUGIN_RTLD_GLOBAL | FLUX_PLUGIN_RTLD_DEEPBIND;
    if (!plugin_live (p) || (flags & ~valid)) {
        errno = EINVAL;
        return -1;
    }
    p->flags = flags;
    return 0;
}

const char *flux_plugin_strerror (flux_plugin_t *p)
{
    if (!plugin_live (p))
        return strerror (EINVAL);
    return p->last_error;
}

int flux_plugin_set_name (flux_plugin_t *p, const char *name)
{
    char *s;
    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !name)
        return plugin_fail (p, EINVAL, NULL);
    if (!(s = strdup (name)))
        return plugin_fail (p, ENOMEM, NULL);
    free (p->name);
    p->name = s;
    return 0;
}

const char *flux_plugin_get_name (flux_plugin_t *p)
{
    if (!plugin_live (p)) {
        errno = EINVAL;
        return NULL;
    }
    plugin_clear_error (p);
    return p->name;
}

const char *flux_plugin_get_uuid (flux_plugin_t *p)
{
    if (!plugin_live (p)) {
        errno = EINVAL;
        return NULL;
    }
    plugin_clear_error (p);
    return p->uuid;
}

const char *flux_plugin_get_path (flux_plugin_t *p)
{
    return plugin_live (p) ? p->path : NULL;
}

/* The first handler whose topic is exactly topic (glob false) or whose
 * topic glob matches topic (glob true); *prevp is the link to it. */
static struct handler *find_handler (flux_plugin_t *p, const char *topic,
                                     int glob, struct handler ***prevp)
{
    struct handler **link = &p->handlers;
    for (; *link; link = &(*link)->next) {
        const char *t = (*link)->h.topic;
        if (glob ? fnmatch (t, topic, 0) == 0 : strcmp (t, topic) == 0) {
            if (prevp)
                *prevp = link;
            return *link;
        }
    }
    return NULL;
}

int flux_plugin_remove_handler (flux_plugin_t *p, const char *topic)
{
    struct handler **link, *h;
    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !topic)
        return plugin_fail (p, EINVAL, NULL);
    if ((h = find_handler (p, topic, 0, &link))) {
        *link = h->next;
        free ((char *)h->h.topic);
        free (h);
    }
    return 0;
}

int flux_plugin_add_handler (flux_plugin_t *p, const char *topic,
                             flux_plugin_f cb, void *arg)
{
    struct handler *h, **link;
    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !topic)
        return plugin_fail (p, EINVAL, NULL);
    if (!cb)
        return flux_plugin_remove_handler (p, topic);
    if (!(h = calloc (1, sizeof (*h))) || !(h->h.topic = strdup (topic))) {
        free (h);
        return plugin_fail (p, ENOMEM, NULL);
    }
    h->h.cb = cb;
    h->h.data = arg;
    for (link = &p->handlers; *link; link = &(*link)->next)
        ;
    *link = h;
    return 0;
}

static flux_plugin_f lookup_handler (flux_plugin_t *p, const char *topic, int glob)
{
    struct handler *h;
    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !topic) {
        plugin_fail (p, EINVAL, NULL);
        return NULL;
    }
    if ((h = find_handler (p, topic, glob, NULL)))
        return h->h.cb;
    return NULL;
}

flux_plugin_f flux_plugin_get_handler (flux_plugin_t *p, const char *topic)
{
    return lookup_handler (p, topic, 0);
}

flux_plugin_f flux_plugin_match_handler (flux_plugin_t *p, const char *topic)
{
    return lookup_handler (p, topic, 1);
}

int flux_plugin_register (flux_plugin_t *p, const char *name,
                          const struct flux_plugin_handler t[])
{
    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !t)
        return plugin_fail (p, EINVAL, NULL);
    if (name && flux_plugin_set_name (p, name) < 0)
        return -1;
    for (; t->topic; t++) {
        if (flux_plugin_add_handler (p, t->topic, t->cb, t->data) < 0)
            return -1;
    }
    return 0;
}

int flux_plugin_aux_set (flux_plugin_t *p, const char *key, void *val,
                         flux_free_f free_fn)
{
    struct aux_entry *e, **link;

    if (!plugin_live (p) || (!key && !val) || (!val && free_fn) || (!key && !free_fn)) {
        errno = EINVAL;
        return -1;
    }
    if (key) {
        for (link = &p->aux; (e = *link) && e->key; link = &e->next) {
            if (strcmp (e->key, key) == 0) {
                *link = e->next;
                aux_entry_free (e);
                break;
            }
        }
    }
    if (!val)
        return 0;
    if (!(e = calloc (1, sizeof (*e))) || (key && !(e->key = strdup (key)))) {
        free (e);
        errno = ENOMEM;
        return -1;
    }
    e->val = val;
    e->free_fn = free_fn;
    if (key) {
        e->next = p->aux;
        p->aux = e;
    }
    else {
        for (link = &p->aux; *link; link = &(*link)->next)
            ;
        *link = e;
    }
    return 0;
}

void *flux_plugin_aux_get (flux_plugin_t *p, const char *key)
{
    struct aux_entry *e;

    if (!plugin_live (p) || !key) {
        errno = EINVAL;
        return NULL;
    }
    for (e = p->aux; e && e->key; e = e->next) {
        if (strcmp (e->key, key) == 0)
            return e->val;
    }
    errno = ENOENT;
    return NULL;
}

void flux_plugin_aux_delete_value (flux_plugin_t *p, const void *val)
{
    struct aux_entry *e, **link;

    if (!plugin_live (p) || !val)
        return;
    for (link = &p->aux; (e = *link); link = &e->next) {
        if (e->val == val) {
            *link = e->next;
            aux_entry_free (e);
            return;
        }
    }
}

void flux_plugin_aux_delete (flux_plugin_t *p, const void *val)
{
    flux_plugin_aux_delete_value (p, val);
}

int flux_plugin_set_conf (flux_plugin_t *p, const char *json_str)
{
    json_error_t err;
    json_t *o;

    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !json_str)
        return plugin_fail (p, EINVAL, NULL);
    if (!(o = json_loads (json_str, 0, &err)))
        return plugin_fail (p, EINVAL, "parse error: col %d: %s", err.column, err.text);
    json_decref (p->conf);
    p->conf = o;
    free (p->conf_str);
    p->conf_str = NULL;
    return 0;
}

const char *flux_plugin_get_conf (flux_plugin_t *p)
{
    if (!(p = plugin_live (p))) {
        errno = EINVAL;
        return NULL;
    }
    if (!p->conf_str) {
        if (!p->conf) {
            plugin_fail (p, ENOENT, "No plugin conf set");
            return NULL;
        }
        if (!(p->conf_str = json_dumps (p->conf, JSON_ENCODE_ANY | JSON_COMPACT))) {
            plugin_fail (p, ENOMEM, "json_dumps failed: %s", strerror (ENOMEM));
            return NULL;
        }
    }
    return p->conf_str;
}

int flux_plugin_conf_unpack (flux_plugin_t *p, const char *fmt, ...)
{
    json_error_t err;
    va_list ap;
    int rc;

    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !fmt)
        return plugin_fail (p, EINVAL, NULL);
    if (!p->conf)
        return plugin_fail (p, ENOENT, "No plugin conf set");
    va_start (ap, fmt);
    rc = json_vunpack_ex (p->conf, &err, 0, fmt, ap);
    va_end (ap);
    if (rc < 0)
        return plugin_fail (p, EINVAL, "unpack error: %s", err.text);
    return rc;
}

static int dlopen_flags (int flags)
{
    int f = 0;
    if (flags & FLUX_PLUGIN_RTLD_LAZY)
        f |= RTLD_LAZY;
    if (flags & FLUX_PLUGIN_RTLD_NOW)
        f |= RTLD_NOW;
    f |= (flags & FLUX_PLUGIN_RTLD_GLOBAL) ? RTLD_GLOBAL : RTLD_LOCAL;
    if (flags & FLUX_PLUGIN_RTLD_DEEPBIND)
        f |= fluxgo_dlopen_deepbind ();
    return f;
}

int flux_plugin_load_dso (flux_plugin_t *p, const char *path)
{
    flux_plugin_init_f init;
    struct dso_entry *d;
    const char *why;
    void *dso;

    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !path)
        return plugin_fail (p, EINVAL, NULL);
    if (access (path, R_OK) < 0)
        return plugin_fail (p, errno, "%s: %s", path, strerror (errno));
    dlerror ();
    if (!(dso = dlopen (path, dlopen_flags (p->flags)))) {
        int e = errno ? errno : EINVAL;
        why = dlerror ();
        return plugin_fail (p, e, "dlopen: %s", why ? why : "unknown error");
    }
    if (!(d = calloc (1, sizeof (*d)))) {
        dlclose (dso);
        return plugin_fail (p, ENOMEM, NULL);
    }
    d->dso = dso;
    d->next = p->dsos;
    p->dsos = d;
    free (p->path);
    free (p->name);
    p->name = NULL;
    if (!(p->path = strdup (path)) || !(p->name = strdup (path)))
        return plugin_fail (p, ENOMEM, NULL);
    *(void **)&init = dlsym (dso, "flux_plugin_init");
    if (init) {
        errno = 0;
        if (init (p) < 0)
            return plugin_fail (p, errno ? errno : EINVAL,
                                "%s: flux_plugin_init failed", path);
    }
    return 0;
}

int flux_plugin_call (flux_plugin_t *p, const char *name, flux_plugin_arg_t *args)
{
    struct handler *h;

    p = plugin_live (p);
    plugin_clear_error (p);
    if (!p || !name)
        return plugin_fail (p, EINVAL, NULL);
    if (!(h = find_handler (p, name, 1, NULL)))
        return 0;
    if (h->h.cb (p, name, args, h->h.data) < 0)
        return -1;
    return 1;
}

/* Plugin arguments. */

static int arg_fail (flux_plugin_arg_t *a, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int arg_fail (flux_plugin_arg_t *a, int errnum, const char *fmt, ...)
{
    if (a) {
        if (fmt) {
            va_list ap;
            va_start (ap, fmt);
            vsnprintf (a->error.text, sizeof (a->error.text), fmt, ap);
            va_end (ap);
        }
        else
            snprintf (a->error.text, sizeof (a->error.text), "%s", strerror (errnum));
    }
    errno = errnum;
    return -1;
}

static void arg_clear_error (flux_plugin_arg_t *a)
{
    if (a)
        a->error.text[0] = '\0';
}

flux_plugin_arg_t *flux_plugin_arg_create ()
{
    flux_plugin_arg_t *a = calloc (1, sizeof (*a));
    if (!a) {
        errno = ENOMEM;
        return NULL;
    }
    if (live_add (a) < 0) {
        free (a);
        return NULL;
    }
    return a;
}

void flux_plugin_arg_destroy (flux_plugin_arg_t *args)
{
    int saved = errno;
    if (!args || !live_remove (args))
        return;
    json_decref (args->in);
    json_decref (args->out);
    free (args);
    errno = saved;
}

const char *flux_plugin_arg_strerror (flux_plugin_arg_t *args)
{
    if (!arg_live (args))
        return strerror (errno);
    return args->error.text;
}

static json_t **arg_side (flux_plugin_arg_t *a, int flags)
{
    return (flags & FLUX_PLUGIN_ARG_OUT) ? &a->out : &a->in;
}

/* Store o (whose reference is taken over) on one side: it replaces what
 * is there with FLUX_PLUGIN_ARG_REPLACE or when the side is empty, else
 * its keys are merged into the side's object. */
static int arg_store (flux_plugin_arg_t *a, int flags, json_t *o)
{
    json_t **side = arg_side (a, flags);
    if (!(flags & FLUX_PLUGIN_ARG_REPLACE) && *side) {
        int rc = json_object_update (*side, o);
        json_decref (o);
        if (rc < 0)
            return arg_fail (a, EINVAL, "arguments to merge are not a JSON object");
        return 0;
    }
    json_decref (*side);
    *side = o;
    return 0;
}

int flux_plugin_arg_set (flux_plugin_arg_t *args, int flags, const char *json_str)
{
    json_t *o = NULL;

    args = arg_live (args);
    arg_clear_error (args);
    if (!args)
        return arg_fail (args, EINVAL, NULL);
    if (json_str && !(o = json_loads (json_str, 0, &args->error))) {
        errno = EINVAL;
        return -1;
    }
    return arg_store (args, flags, o);
}

int flux_plugin_arg_get (flux_plugin_arg_t *args, int flags, char **json_str)
{
    json_t **side;

    args = arg_live (args);
    arg_clear_error (args);
    if (!args || !json_str)
        return arg_fail (args, EINVAL, NULL);
    side = arg_side (args, flags);
    if (!*side)
        return arg_fail (args, ENOENT, "No args currently set");
    if (!(*json_str = json_dumps (*side, JSON_COMPACT)))
        return arg_fail (args, ENOMEM, NULL);
    return 0;
}

int flux_plugin_arg_vpack (flux_plugin_arg_t *args, int flags, const char *fmt, va_list ap)
{
    json_t *o;

    args = arg_live (args);
    arg_clear_error (args);
    if (!args || !fmt)
        return arg_fail (args, EINVAL, NULL);
    if (!(o = json_vpack_ex (&args->error, 0, fmt, ap))) {
        errno = EINVAL;
        return -1;
    }
    return arg_store (args, flags, o);
}

int flux_plugin_arg_pack (flux_plugin_arg_t *args, int flags, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start (ap, fmt);
    rc = flux_plugin_arg_vpack (args, flags, fmt, ap);
    va_end (ap);
    return rc;
}

int flux_plugin_arg_vunpack (flux_plugin_arg_t *args, int flags, const char *fmt, va_list ap)
{
    int rc;

    args = arg_live (args);
    arg_clear_error (args);
    if (!args || !fmt)
        return arg_fail (args, EINVAL, NULL);
    rc = json_vunpack_ex (*arg_side (args, flags), &args->error, 0, fmt, ap);
    if (rc < 0)
        errno = EINVAL;
    return rc;
}

int flux_plugin_arg_unpack (flux_plugin_arg_t *args, int flags, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start (ap, fmt);
    rc = flux_plugin_arg_vunpack (args, flags, fmt, ap);
    va_end (ap);
    return rc;
}
