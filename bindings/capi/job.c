/* The variadic functions of job.h and jobspec1.h: jansson packs or
 * unpacks, the Go exports store or return the JSON text, and parsed JSON
 * is held by the future or jobspec it came from (fluxgo_hold), so what
 * was unpacked stays valid as long as flux-core promises. Also the C
 * locale test for the f58 job id prefix. */

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "flux/core.h"
#include "_cgo_export.h"

static void job_json_free (void *p)
{
    json_decref ((json_t *)p);
}

/* flux-core writes "ƒ" before f58 ids only in a multibyte UTF-8 locale
 * (and not when FLUX_F58_FORCE_ASCII is set); elsewhere "f". */
int fluxgo_f58_unicode (void)
{
    return MB_CUR_MAX > 1
        && strcmp (nl_langinfo (CODESET), "UTF-8") == 0
        && !getenv ("FLUX_F58_FORCE_ASCII");
}

int flux_job_result_get_unpack (flux_future_t *f, const char *fmt, ...)
{
    int errnum = 0;
    char *s;
    json_t *o;
    va_list ap;
    int rc;

    if (!f || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (!(s = fluxgo_job_result_object (f, &errnum))) {
        errno = errnum ? errnum : EINVAL;
        return -1;
    }
    o = json_loads (s, 0, NULL);
    free (s);
    if (!o) {
        errno = EPROTO;
        return -1;
    }
    fluxgo_hold (f, "job_result_unpack", o, job_json_free);
    va_start (ap, fmt);
    rc = json_vunpack_ex (o, NULL, 0, fmt, ap);
    va_end (ap);
    if (rc < 0)
        errno = EINVAL;
    return rc;
}

int flux_jobspec1_attr_pack (flux_jobspec1_t *jobspec,
                             const char *path,
                             const char *fmt,
                             ...)
{
    int errnum = 0;
    json_t *val;
    char *s;
    va_list ap;

    if (!jobspec || !path || !fmt) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    val = json_vpack_ex (NULL, 0, fmt, ap);
    va_end (ap);
    if (!val) {
        errno = EINVAL;
        return -1;
    }
    s = json_dumps (val, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref (val);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    if (fluxgo_jobspec1_attr_set_json (jobspec, (char *)path, s, &errnum) < 0) {
        free (s);
        errno = errnum;
        return -1;
    }
    free (s);
    return 0;
}

int flux_jobspec1_attr_unpack (flux_jobspec1_t *jobspec,
                               const char *path,
                               const char *fmt,
                               ...)
{
    int errnum = 0;
    char slot[256];
    json_t *val;
    char *s;
    va_list ap;
    int rc;

    if (!jobspec || !path || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (!(s = fluxgo_jobspec1_attr_get_json (jobspec, (char *)path, &errnum))) {
        errno = errnum;
        return -1;
    }
    val = json_loads (s, JSON_DECODE_ANY, NULL);
    free (s);
    if (!val) {
        errno = EPROTO;
        return -1;
    }
    /* One parsed value per path: what an earlier unpack of another path
     * returned stays valid. */
    snprintf (slot, sizeof (slot), "jobspec1_unpack:%s", path);
    fluxgo_hold (jobspec, slot, val, job_json_free);
    va_start (ap, fmt);
    rc = json_vunpack_ex (val, NULL, 0, fmt, ap);
    va_end (ap);
    if (rc < 0)
        errno = EINVAL;
    return rc;
}
