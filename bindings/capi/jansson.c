/* The JSON pack/unpack functions, which take jansson formats and variadic
 * arguments: jansson packs or parses, the string is passed to (or taken
 * from) the plain functions, and parsed JSON is tied to the message or
 * future it came from with fluxgo_hold, so unpacked strings stay valid as
 * long as flux-core promises. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "flux/core.h"
#include "_cgo_export.h"

static void json_free (void *p)
{
    json_decref ((json_t *)p);
}

/* Why the last pack or unpack failed, for flux_msg_last_error. */
struct why {
    char text[JSON_ERROR_TEXT_LENGTH + 64];
};

static void why_set (struct why *why, const char *text)
{
    if (why)
        snprintf (why->text, sizeof (why->text), "%s", text);
}

/* Pack fmt into a compact JSON object string (free with free(3)); why
 * (may be NULL) says what failed. */
static char *pack_object (const char *fmt, va_list ap, struct why *why)
{
    json_error_t error;
    json_t *o;
    char *s;

    if (!fmt || !*fmt) {
        errno = EINVAL;
        return NULL;
    }
    if (!(o = json_vpack_ex (&error, 0, fmt, ap))) {
        why_set (why, error.text);
        errno = EINVAL;
        return NULL;
    }
    if (!json_is_object (o)) {
        json_decref (o);
        why_set (why, "payload is not a JSON object");
        errno = EINVAL;
        return NULL;
    }
    s = json_dumps (o, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref (o);
    if (!s) {
        why_set (why, "json_dumps failed on pack result");
        errno = ENOMEM;
    }
    return s;
}


/* Record (or with NULL, clear) the last pack/unpack error of a live
 * message; errno is preserved. */
static void msg_lasterr (const flux_msg_t *msg, const char *text)
{
    int saved = errno;
    fluxgo_hold ((void *)msg, "lasterr", text ? strdup (text) : NULL, NULL);
    errno = saved;
}

/* Is msg a live message? (Its type can be read.) */
static int msg_live (const flux_msg_t *msg)
{
    int type;
    int saved = errno;
    int rc = flux_msg_get_type (msg, &type) == 0;
    errno = saved;
    return rc;
}

/* free(3) without disturbing errno, for cleanup after a failed call. */
static void free_keep_errno (char *s)
{
    int saved = errno;
    free (s);
    errno = saved;
}

/* Parse s as a JSON object, unpack it with fmt (callers check it is not
 * NULL), and hand the object to owner to keep; why (may be NULL) says
 * what failed. */
static int unpack_object (void *owner, const char *s, const char *fmt, va_list ap,
                              struct why *why)
{
    json_error_t error;
    json_t *o;

    if (!s) {
        why_set (why, "message does not have a string payload");
        errno = EPROTO;
        return -1;
    }
    if (!(o = json_loads (s, JSON_ALLOW_NUL, &error))) {
        why_set (why, error.text);
        errno = EPROTO;
        return -1;
    }
    if (!json_is_object (o)) {
        json_decref (o);
        why_set (why, "payload is not a JSON object");
        errno = EPROTO;
        return -1;
    }
    if (json_vunpack_ex (o, &error, 0, fmt, ap) < 0) {
        json_decref (o);
        why_set (why, error.text);
        errno = EPROTO;
        return -1;
    }
    fluxgo_hold (owner, "json", o, json_free);
    return 0;
}


int flux_msg_vpack (flux_msg_t *msg, const char *fmt, va_list ap)
{
    struct why why = { "" };
    char *s;
    int rc;

    if (!msg || !msg_live (msg)) {
        errno = EINVAL;
        return -1;
    }
    msg_lasterr (msg, NULL);
    if (!(s = pack_object (fmt, ap, &why))) {
        if (why.text[0])
            msg_lasterr (msg, why.text);
        return -1;
    }
    rc = flux_msg_set_string (msg, s);
    free (s);
    if (rc < 0) {
        snprintf (why.text, sizeof (why.text), "flux_msg_set_string: %s", strerror (errno));
        msg_lasterr (msg, why.text);
    }
    return rc;
}

int flux_msg_pack (flux_msg_t *msg, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = flux_msg_vpack (msg, fmt, ap);
    va_end (ap);
    return rc;
}

int flux_msg_vunpack (const flux_msg_t *msg, const char *fmt, va_list ap)
{
    const char *s = NULL;
    struct why why = { "" };
    int rc;

    if (!msg || !msg_live (msg)) {
        errno = EINVAL;
        return -1;
    }
    msg_lasterr (msg, NULL);
    if (!fmt) {
        errno = EINVAL;
        return -1;
    }
    if (flux_msg_get_string (msg, &s) < 0) {
        snprintf (why.text, sizeof (why.text), "flux_msg_get_string: %s", strerror (errno));
        msg_lasterr (msg, why.text);
        return -1;
    }
    rc = unpack_object ((void *)msg, s, fmt, ap, &why);
    if (rc < 0 && why.text[0])
        msg_lasterr (msg, why.text);
    return rc;
}

int flux_msg_unpack (const flux_msg_t *msg, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = flux_msg_vunpack (msg, fmt, ap);
    va_end (ap);
    return rc;
}

flux_future_t *flux_rpc_vpack (flux_t *h, const char *topic, uint32_t nodeid,
                               int flags, const char *fmt, va_list ap)
{
    flux_future_t *f;
    char *s;

    if (!h || !topic) {
        errno = EINVAL;
        return NULL;
    }
    if (!(s = pack_object (fmt, ap, NULL)))
        return NULL;
    f = flux_rpc (h, topic, s, nodeid, flags);
    free_keep_errno (s);
    return f;
}

flux_future_t *flux_rpc_pack (flux_t *h, const char *topic, uint32_t nodeid,
                              int flags, const char *fmt, ...)
{
    va_list ap;
    flux_future_t *f;

    va_start (ap, fmt);
    f = flux_rpc_vpack (h, topic, nodeid, flags, fmt, ap);
    va_end (ap);
    return f;
}

int flux_rpc_get_unpack (flux_future_t *f, const char *fmt, ...)
{
    const char *s = NULL;
    va_list ap;
    int rc;

    if (!f || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (flux_rpc_get (f, &s) < 0)
        return -1;
    va_start (ap, fmt);
    rc = unpack_object (f, s, fmt, ap, NULL);
    va_end (ap);
    return rc;
}

/* The decode functions of requests and events. */
typedef int (*decode_f) (const flux_msg_t *msg, const char **topic, const char **s);

/* Decode msg with decode (which checks its type and sets *topic), then
 * unpack its JSON object payload with fmt. */
static int decode_unpack (const flux_msg_t *msg, const char **topic, decode_f decode,
                          const char *fmt, va_list ap)
{
    const char *s = NULL;

    if (!msg || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (decode (msg, topic, &s) < 0)
        return -1;
    return unpack_object ((void *)msg, s, fmt, ap, NULL);
}

int flux_request_unpack (const flux_msg_t *msg, const char **topic, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = decode_unpack (msg, topic, flux_request_decode, fmt, ap);
    va_end (ap);
    return rc;
}

int flux_respond_pack (flux_t *h, const flux_msg_t *request, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int rc;

    if (!h || !request) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    s = pack_object (fmt, ap, NULL);
    va_end (ap);
    if (!s)
        return -1;
    rc = flux_respond (h, request, s);
    free_keep_errno (s);
    return rc;
}

flux_msg_t *flux_event_pack (const char *topic, const char *fmt, ...)
{
    va_list ap;
    flux_msg_t *msg;
    char *s;

    if (!topic) {
        errno = EINVAL;
        return NULL;
    }
    va_start (ap, fmt);
    s = pack_object (fmt, ap, NULL);
    va_end (ap);
    if (!s)
        return NULL;
    msg = flux_event_encode (topic, s);
    free_keep_errno (s);
    return msg;
}

int flux_event_unpack (const flux_msg_t *msg, const char **topic, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start (ap, fmt);
    rc = decode_unpack (msg, topic, flux_event_decode, fmt, ap);
    va_end (ap);
    return rc;
}

flux_future_t *flux_event_publish_pack (flux_t *h, const char *topic, int flags,
                                        const char *fmt, ...)
{
    va_list ap;
    flux_future_t *f;
    char *s;

    if (!h || !topic) {
        errno = EINVAL;
        return NULL;
    }
    va_start (ap, fmt);
    s = pack_object (fmt, ap, NULL);
    va_end (ap);
    if (!s)
        return NULL;
    f = flux_event_publish (h, topic, flags, s);
    free_keep_errno (s);
    return f;
}
