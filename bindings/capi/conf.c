/* The conf.h functions that take jansson formats or hold parsed JSON:
 * the configuration itself lives in the Go runtime (runtime.Conf), which
 * hands its object over as JSON text.  The parsed object is kept with the
 * configuration (fluxgo_hold), so strings unpacked from it stay valid
 * until the configuration is destroyed or updated, and parsed again only
 * after an update. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "flux/core.h"
#include "_cgo_export.h"

static const char json_slot[] = "json";

static void json_free (void *p)
{
    json_decref ((json_t *)p);
}

static void error_text (flux_error_t *error, const char *fmt, ...)
{
    va_list ap;
    if (!error)
        return;
    va_start (ap, fmt);
    vsnprintf (error->text, sizeof (error->text), fmt, ap);
    va_end (ap);
}

/* The configuration's object, parsed once per change. */
static json_t *conf_object (const flux_conf_t *conf)
{
    json_t *o;
    char *s;
    int e = 0;

    if ((o = fluxgo_held ((void *)conf, (char *)json_slot)))
        return o;
    if (!(s = fluxgo_conf_json ((flux_conf_t *)conf, &e))) {
        errno = e ? e : EINVAL;
        return NULL;
    }
    o = json_loads (s, 0, NULL);
    free (s);
    if (!o) {
        errno = EPROTO;
        return NULL;
    }
    fluxgo_hold ((void *)conf, (char *)json_slot, o, json_free);
    return o;
}

int flux_conf_update (flux_conf_t *conf, const char *value, flux_error_t *error)
{
    int e = 0;
    int rc;

    if (!conf || !value) {
        errno = EINVAL;
        error_text (error, "%s", strerror (errno));
        return -1;
    }
    /* Inline JSON is checked with jansson first, so that its syntax
     * errors read as flux-core's. */
    if (value[0] == '{'
        || (strchr (value, '\n') && value[strspn (value, " \t\n\r")] == '{')) {
        json_error_t jerr;
        json_t *o = json_loads (value, 0, &jerr);
        if (!o) {
            error_text (error, "inline JSON: %s", jerr.text);
            errno = EINVAL;
            return -1;
        }
        json_decref (o);
    }
    rc = fluxgo_conf_update (conf, (char *)value, error, &e);
    if (rc == 0)
        fluxgo_hold (conf, (char *)json_slot, NULL, NULL);
    if (e)
        errno = e;
    return rc;
}

int flux_conf_vunpack (const flux_conf_t *conf,
                       flux_error_t *error,
                       const char *fmt,
                       va_list ap)
{
    json_error_t jerr;
    json_t *o;

    if (!conf || !fmt || *fmt == '\0' || !(o = conf_object (conf))) {
        errno = EINVAL;
        error_text (error, "%s", strerror (errno));
        return -1;
    }
    if (json_vunpack_ex (o, &jerr, 0, fmt, ap) < 0) {
        error_text (error, "%s", jerr.text);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int flux_conf_unpack (const flux_conf_t *conf,
                      flux_error_t *error,
                      const char *fmt,
                      ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = flux_conf_vunpack (conf, error, fmt, ap);
    va_end (ap);
    return rc;
}

flux_conf_t *flux_conf_vpack (const char *fmt, va_list ap)
{
    flux_conf_t *conf;
    json_t *o;
    char *s;
    int e = 0;

    if (!fmt || !(o = json_vpack_ex (NULL, 0, fmt, ap))) {
        errno = EINVAL;
        return NULL;
    }
    s = json_dumps (o, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref (o);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    conf = fluxgo_conf_from_json (s, &e);
    free (s);
    if (!conf)
        errno = e ? e : EINVAL;
    return conf;
}

flux_conf_t *flux_conf_pack (const char *fmt, ...)
{
    va_list ap;
    flux_conf_t *conf;

    if (!fmt) {
        errno = EINVAL;
        return NULL;
    }
    va_start (ap, fmt);
    conf = flux_conf_vpack (fmt, ap);
    va_end (ap);
    return conf;
}
