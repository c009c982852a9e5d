/* A connector written against connector.h, as flux-core's own tests and
 * out-of-tree connectors write them: every message sent is queued and
 * received back, an eventfd makes the pollfd readable while the queue is
 * not empty, "fake::count" is an option (an int: messages queued), and
 * the counters below record which operations ran.  Messages with unset
 * credentials are stamped with the owner's, as a broker would.  Included by the C
 * tests and by the connector DSO dso/fakeconn.c. */
#ifndef FLUXGO_TEST_FAKECONN_H
#define FLUXGO_TEST_FAKECONN_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <flux/core.h>

#define FAKE_QUEUE_MAX 64

struct fakeconn {
    flux_msg_t *queue[FAKE_QUEUE_MAX];
    int head, count;
    int efd;
    int reconnects;
    int sends;
    int *destroyed;     /* set to 1 by impl_destroy, when not NULL */
    char path[256];     /* the URI path given to connector_init */
};

static void fake_kick (struct fakeconn *fc)
{
    uint64_t v = 1;
    if (fc->count > 0)
        (void)write (fc->efd, &v, sizeof (v));
    else
        (void)read (fc->efd, &v, sizeof (v));
}

static int fake_send (void *impl, const flux_msg_t *msg, int flags)
{
    struct fakeconn *fc = impl;
    if (fc->count == FAKE_QUEUE_MAX) {
        errno = EWOULDBLOCK;
        return -1;
    }
    uint32_t rolemask;
    flux_msg_t *cpy;
    /* Like a broker, stamp unset credentials with the owner's. */
    if (flux_msg_get_rolemask (msg, &rolemask) == 0 && rolemask == FLUX_ROLE_NONE) {
        if (!(cpy = flux_msg_copy (msg, true)))
            return -1;
        flux_msg_set_userid (cpy, getuid ());
        flux_msg_set_rolemask (cpy, FLUX_ROLE_OWNER);
    }
    else
        cpy = (flux_msg_t *)flux_msg_incref (msg);
    fc->queue[(fc->head + fc->count++) % FAKE_QUEUE_MAX] = cpy;
    fc->sends++;
    fake_kick (fc);
    return 0;
}

static flux_msg_t *fake_recv (void *impl, int flags)
{
    struct fakeconn *fc = impl;
    flux_msg_t *msg;
    if (fc->count == 0) {
        errno = EWOULDBLOCK;
        return NULL;
    }
    msg = fc->queue[fc->head];
    fc->head = (fc->head + 1) % FAKE_QUEUE_MAX;
    fc->count--;
    fake_kick (fc);
    return msg;
}

static int fake_pollfd (void *impl)
{
    return ((struct fakeconn *)impl)->efd;
}

static int fake_pollevents (void *impl)
{
    struct fakeconn *fc = impl;
    int ev = FLUX_POLLOUT;
    if (fc->count > 0)
        ev |= FLUX_POLLIN;
    return ev;
}

static int fake_getopt (void *impl, const char *option, void *val, size_t len)
{
    struct fakeconn *fc = impl;
    if (strcmp (option, "fake::count") == 0 && len == sizeof (int)) {
        memcpy (val, &fc->count, sizeof (int));
        return 0;
    }
    if (strcmp (option, FLUX_OPT_POLLFD_EVENTS) == 0 && len == sizeof (int)) {
        int events = POLLIN;
        memcpy (val, &events, sizeof (int));
        return 0;
    }
    errno = EINVAL;
    return -1;
}

static int fake_setopt (void *impl, const char *option, const void *val, size_t len)
{
    struct fakeconn *fc = impl;
    if (strcmp (option, "fake::count") == 0 && len == sizeof (int)) {
        int n;
        memcpy (&n, val, sizeof (int));
        if (n != 0) {
            errno = EPERM;
            return -1;
        }
        while (fc->count > 0)
            flux_msg_decref (fake_recv (fc, 0));
        return 0;
    }
    errno = EINVAL;
    return -1;
}

static int fake_reconnect (void *impl)
{
    ((struct fakeconn *)impl)->reconnects++;
    return 0;
}

static void fake_destroy (void *impl)
{
    struct fakeconn *fc = impl;
    while (fc->count > 0)
        flux_msg_decref (fake_recv (fc, 0));
    close (fc->efd);
    if (fc->destroyed)
        *fc->destroyed = 1;
    free (fc);
}

static const struct flux_handle_ops fake_ops = {
    .setopt = fake_setopt,
    .getopt = fake_getopt,
    .pollfd = fake_pollfd,
    .pollevents = fake_pollevents,
    .send = fake_send,
    .recv = fake_recv,
    .reconnect = fake_reconnect,
    .impl_destroy = fake_destroy,
};

/* Open a handle on a new fake connector; *fcp (when not NULL) is set to
 * it, for the test to look inside. */
static flux_t *fake_open (const char *path, int flags, struct fakeconn **fcp)
{
    struct fakeconn *fc = calloc (1, sizeof (*fc));
    flux_t *h;
    if (!fc)
        return NULL;
    if ((fc->efd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        free (fc);
        return NULL;
    }
    if (path)
        snprintf (fc->path, sizeof (fc->path), "%s", path);
    if (!(h = flux_handle_create (fc, &fake_ops, flags))) {
        close (fc->efd);
        free (fc);
        return NULL;
    }
    if (fcp)
        *fcp = fc;
    return h;
}

#endif
