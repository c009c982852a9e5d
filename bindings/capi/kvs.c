/* The variadic KVS functions (flux_kvs_txn_pack, flux_kvs_txn_vpack,
 * flux_kvs_lookup_get_unpack): jansson packs the value or parses it, and
 * the plain functions do the rest. A parsed value is kept on its future
 * (slot "kvs:json", dropped when the future moves to another response),
 * so unpacked strings stay valid as flux-core promises. */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <jansson.h>
#include "flux/core.h"
#include "capi.h"
#include "_cgo_export.h"

static void kvs_json_free (void *p)
{
    json_decref ((json_t *)p);
}

flux_free_f fluxgo_kvsdir_destroy_fn (void)
{
    return (flux_free_f)flux_kvsdir_destroy;
}

int flux_kvs_txn_vpack (flux_kvs_txn_t *txn, int flags, const char *key,
                        const char *fmt, va_list ap)
{
    json_t *o;
    char *s;
    int rc, saved;

    if (!txn || !key || !fmt || (flags & ~FLUX_KVS_APPEND)) {
        errno = EINVAL;
        return -1;
    }
    if (!(o = json_vpack_ex (NULL, 0, fmt, ap))) {
        errno = EINVAL;
        return -1;
    }
    s = json_dumps (o, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref (o);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    rc = flux_kvs_txn_put (txn, flags, key, s);
    saved = errno;
    free (s);
    errno = saved;
    return rc;
}

int flux_kvs_txn_pack (flux_kvs_txn_t *txn, int flags, const char *key,
                       const char *fmt, ...)
{
    va_list ap;
    int rc;

    if (!txn || !key || !fmt) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    rc = flux_kvs_txn_vpack (txn, flags, key, fmt, ap);
    va_end (ap);
    return rc;
}

int flux_kvs_lookup_get_unpack (flux_future_t *f, const char *fmt, ...)
{
    const void *data = NULL;
    size_t len = 0;
    json_t *o;
    va_list ap;
    int rc;

    if (!f) {
        errno = EINVAL;
        return -1;
    }
    if (flux_kvs_lookup_get_raw (f, &data, &len) < 0)
        return -1;
    if (!(o = fluxgo_held (f, "kvs:json"))) {
        if (!data || !(o = json_loadb (data, len, JSON_DECODE_ANY, NULL))) {
            errno = EINVAL;
            return -1;
        }
        fluxgo_hold (f, "kvs:json", o, kvs_json_free);
    }
    if (!fmt) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    rc = json_vunpack_ex (o, NULL, 0, fmt, ap);
    va_end (ap);
    if (rc < 0)
        errno = EINVAL;
    return rc;
}
