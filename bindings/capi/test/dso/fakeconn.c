/* A connector DSO for flux_open("fakeconn://PATH"): the fake connector of
 * fakeconn.h behind connector_init().  The handle's "fake::path" aux item
 * is the path connector_init was given ("(null)" for none). */
#include <stdio.h>
#include "../fakeconn.h"

flux_t *connector_init (const char *path, int flags, flux_error_t *errp)
{
    struct fakeconn *fc;
    flux_t *h;

    if (path && strcmp (path, "fail") == 0) {
        if (errp)
            snprintf (errp->text, sizeof (errp->text), "fakeconn: told to fail");
        errno = EHOSTUNREACH;
        return NULL;
    }
    if (!(h = fake_open (path ? path : "(null)", flags, &fc)))
        return NULL;
    if (flux_aux_set (h, "fake::path", fc->path, NULL) < 0) {
        flux_close (h);
        return NULL;
    }
    return h;
}
