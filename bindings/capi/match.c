/* Hand-written C parts of libflux-core that need no Go: struct flux_match
 * and struct flux_msg_cred travel by value, which cgo exports cannot do,
 * and flux_match_asprintf is variadic. Behaviour that is more than
 * shuffling fields goes through the generated exports. */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "flux/core.h"
#include "_cgo_export.h"

struct flux_match flux_match_init (int typemask,
                                   uint32_t matchtag,
                                   const char *topic_glob)
{
    struct flux_match m = { typemask, matchtag, topic_glob };
    return m;
}

void flux_match_free (struct flux_match m)
{
    int saved = errno;
    free ((char *)m.topic_glob);
    errno = saved;
}

int flux_match_asprintf (struct flux_match *m, const char *topic_glob_fmt, ...)
{
    va_list ap;
    char *topic = NULL;
    int rc;

    if (!m || !topic_glob_fmt) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, topic_glob_fmt);
    rc = vasprintf (&topic, topic_glob_fmt, ap);
    va_end (ap);
    if (rc < 0) {
        errno = ENOMEM;
        return -1;
    }
    m->topic_glob = topic;
    return 0;
}

int flux_msg_get_cred (const flux_msg_t *msg, struct flux_msg_cred *cred)
{
    struct flux_msg_cred c;

    if (!msg || !cred) {
        errno = EINVAL;
        return -1;
    }
    if (flux_msg_get_userid (msg, &c.userid) < 0
        || flux_msg_get_rolemask (msg, &c.rolemask) < 0)
        return -1;
    *cred = c;
    return 0;
}

int flux_msg_set_cred (flux_msg_t *msg, struct flux_msg_cred cred)
{
    if (flux_msg_set_userid (msg, cred.userid) < 0
        || flux_msg_set_rolemask (msg, cred.rolemask) < 0)
        return -1;
    return 0;
}

int flux_msg_cred_authorize (struct flux_msg_cred cred, uint32_t userid)
{
    int e = 0;
    int rc = fluxgo_cred_authorize (cred.userid, cred.rolemask, userid, &e);
    if (rc < 0)
        errno = e;
    return rc;
}

void flux_msg_fprint_ts (FILE *f, const flux_msg_t *msg, double timestamp)
{
    int saved = errno;
    int e = 0;
    char *text = fluxgo_msg_sprint ((flux_msg_t *)msg, timestamp, &e);

    if (f && text)
        fputs (text, f);
    free (text);
    errno = saved;
}

void flux_msg_fprint (FILE *f, const flux_msg_t *msg)
{
    flux_msg_fprint_ts (f, msg, -1);
}
