/* C ABI tests of behaviour flux-core's own unit tests rely on: the
 * message header readable at flux-core's struct layout, requeued messages
 * coming back as the same pointer, a message given away with
 * flux_send_new arriving as the same pointer, the version functions, and argument
 * checks that differ from the obvious. They pass on flux-core's library
 * too (make ctest-flux-core). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/socket.h>
#include <flux/core.h>
#include "tap.h"

/* The header fields of flux-core's private struct flux_msg ("proto"), at
 * the offsets it has on LP64 targets: C code written for flux-core reads
 * them directly, so fluxgo keeps a read-only mirror there. */
struct mirror {
    uint8_t type;
    uint8_t flags;
    uint32_t userid;
    uint32_t rolemask;
    uint32_t aux1;
    uint32_t aux2;
};

static struct mirror read_mirror (const flux_msg_t *msg)
{
    const unsigned char *p = (const unsigned char *)msg + 48;
    struct mirror m;
    m.type = p[0];
    m.flags = p[1];
    memcpy (&m.userid, p + 4, 4);
    memcpy (&m.rolemask, p + 8, 4);
    memcpy (&m.aux1, p + 12, 4);
    memcpy (&m.aux2, p + 16, 4);
    return m;
}

static void test_mirror (void)
{
    flux_msg_t *msg, *cpy;
    struct mirror m;

    if (!(msg = flux_request_encode ("a.b", NULL))) {
        ok (0, "flux_request_encode");
        return;
    }
    m = read_mirror (msg);
    ok (m.type == FLUX_MSGTYPE_REQUEST && (m.flags & FLUX_MSGFLAG_TOPIC)
        && m.userid == FLUX_USERID_UNKNOWN && m.rolemask == FLUX_ROLE_NONE
        && m.aux1 == FLUX_NODEID_ANY && m.aux2 == FLUX_MATCHTAG_NONE,
        "a new request's header reads at flux-core's offsets");
    ok (flux_msg_set_matchtag (msg, 42) == 0 && read_mirror (msg).aux2 == 42,
        "set_matchtag shows in the mirror");
    ok (flux_msg_set_nodeid (msg, 3) == 0 && read_mirror (msg).aux1 == 3,
        "set_nodeid shows in the mirror");
    ok (flux_msg_set_userid (msg, 1000) == 0 && flux_msg_set_rolemask (msg, FLUX_ROLE_USER) == 0
        && read_mirror (msg).userid == 1000 && read_mirror (msg).rolemask == FLUX_ROLE_USER,
        "set_userid and set_rolemask show in the mirror");
    ok (flux_msg_set_streaming (msg) == 0 && (read_mirror (msg).flags & FLUX_MSGFLAG_STREAMING),
        "set_streaming shows in the flags");
    ok (flux_msg_set_string (msg, "{}") == 0 && (read_mirror (msg).flags & FLUX_MSGFLAG_PAYLOAD),
        "a payload sets FLUX_MSGFLAG_PAYLOAD in the flags");
    ok (flux_msg_set_type (msg, FLUX_MSGTYPE_RESPONSE) == 0
        && read_mirror (msg).type == FLUX_MSGTYPE_RESPONSE,
        "set_type shows in the mirror");
    ok ((cpy = flux_msg_copy (msg, true)) != NULL
        && memcmp (&((const char *)cpy)[48], &((const char *)msg)[48], 20) == 0,
        "a copy's mirror equals the original's");
    flux_msg_destroy (cpy);
    flux_msg_destroy (msg);

    if (!(msg = flux_event_encode ("ev", NULL))) {
        ok (0, "flux_event_encode");
        return;
    }
    ok (flux_msg_set_seq (msg, 7) == 0 && read_mirror (msg).type == FLUX_MSGTYPE_EVENT
        && read_mirror (msg).aux1 == 7,
        "an event's sequence is aux1");
    flux_msg_destroy (msg);
}

static void test_requeue_same_message (void)
{
    flux_t *h = flux_open ("loop://", 0);
    flux_msg_t *msg;
    const flux_msg_t *again;
    int x = 1;

    if (!h) {
        ok (0, "flux_open loop://");
        return;
    }
    msg = flux_request_encode ("a.b", NULL);
    ok (msg != NULL && flux_msg_aux_set (msg, "x", &x, NULL) == 0
        && flux_requeue (h, msg, FLUX_RQ_TAIL) == 0,
        "requeue a request carrying an aux item");
    again = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (again == msg, "flux_recv returns the same flux_msg_t *");
    ok (again && flux_msg_aux_get (again, "x") == &x, "with its aux item");
    flux_msg_decref (again);
    flux_msg_decref (msg);

    /* a message is in one queue at a time */
    msg = flux_request_encode ("c.d", NULL);
    ok (flux_requeue (h, msg, FLUX_RQ_TAIL) == 0, "requeue a message");
    errno = 0;
    ok (flux_requeue (h, msg, FLUX_RQ_HEAD) < 0 && errno == EINVAL,
        "requeueing it again while it is queued fails with EINVAL");
    again = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (again == msg, "flux_recv returns it");
    ok (flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK) == NULL && errno == EAGAIN,
        "and the queue is empty");
    flux_msg_decref (again);
    ok (flux_requeue (h, msg, FLUX_RQ_HEAD) == 0, "once received it can be requeued again");
    again = flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (again == msg, "and received again");
    flux_msg_decref (again);
    flux_msg_decref (msg);
    flux_close (h);
}

static int aux_destroyed;

static void count_destroy (void *arg)
{
    aux_destroyed++;
}

static void test_send_new (void)
{
    flux_t *a = flux_open ("interthread://compat-send-new", 0);
    flux_t *b = flux_open ("interthread://compat-send-new", 0);
    flux_t *loop = flux_open ("loop://", 0);
    flux_msg_t *msg, *got;
    void *sent;
    const char *topic;

    if (!a || !b || !loop) {
        ok (0, "open an interthread pair and loop://");
        return;
    }
    msg = flux_request_encode ("send.new", NULL);
    aux_destroyed = 0;
    ok (msg != NULL && flux_msg_aux_set (msg, "x", "y", count_destroy) == 0,
        "a request carrying an aux item");
    sent = msg;
    /* (On loop://: over interthread:// flux-core does not check the
     * flags, fluxgo does everywhere.) */
    errno = 0;
    ok (flux_send_new (loop, &msg, 0x100000) < 0 && errno == EINVAL && msg == sent,
        "flux_send_new with bogus flags fails with EINVAL and leaves *msg");
    ok (flux_msg_aux_get (msg, "x") != NULL && aux_destroyed == 0,
        "the message keeps its aux item after a failed send");
    flux_msg_incref (msg);
    errno = 0;
    ok (flux_send_new (a, &msg, 0) < 0 && errno == EINVAL && msg == sent,
        "flux_send_new of a message with two references fails with EINVAL");
    flux_msg_decref (msg);
    ok (flux_send_new (a, &msg, 0) == 0 && msg == NULL,
        "flux_send_new over interthread:// works and clears *msg");
    got = flux_recv (b, FLUX_MATCH_ANY, 0);
    ok (got == sent, "the peer receives the same flux_msg_t *");
    ok (got && flux_msg_aux_get (got, "x") == NULL && aux_destroyed == 1,
        "without the aux item, destroyed once");
    ok (got && flux_msg_get_topic (got, &topic) == 0 && !strcmp (topic, "send.new"),
        "and with its topic");
    flux_msg_destroy (got);

    /* Given away twice in a row: the pointer travels back. */
    msg = got = flux_request_encode ("back", NULL);
    ok (flux_send_new (a, &msg, 0) == 0 && (got = flux_recv (b, FLUX_MATCH_ANY, 0)) != NULL
        && flux_send_new (b, &got, 0) == 0 && got == NULL
        && (got = flux_recv (a, FLUX_MATCH_ANY, 0)) != NULL,
        "a message given away there and back arrives");
    flux_msg_destroy (got);

    /* A connector that copies: the sender's reference ends there. */
    msg = flux_request_encode ("copied", NULL);
    aux_destroyed = 0;
    ok (msg != NULL && flux_msg_aux_set (msg, "x", "y", count_destroy) == 0
        && flux_send_new (loop, &msg, 0) == 0 && msg == NULL && aux_destroyed == 1,
        "flux_send_new over loop:// clears *msg and destroys the aux item once");
    got = flux_recv (loop, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    ok (got && flux_msg_get_topic (got, &topic) == 0 && !strcmp (topic, "copied"),
        "and the message arrives");
    flux_msg_destroy (got);

    /* Given away and never received: closing the receiver is clean. */
    msg = flux_request_encode ("lost", NULL);
    ok (flux_send_new (a, &msg, 0) == 0, "a message given away and never received");
    flux_close (b);
    flux_close (a);
    flux_close (loop);
}

static void test_version (void)
{
    int major = -1, minor = -1, patch = -1;
    int hex = flux_core_version (&major, &minor, &patch);

    ok (major == FLUX_CORE_VERSION_MAJOR && minor == FLUX_CORE_VERSION_MINOR
        && patch == FLUX_CORE_VERSION_PATCH && hex == FLUX_CORE_VERSION_HEX,
        "flux_core_version reports the header's version");
    ok (flux_core_version (NULL, NULL, NULL) == FLUX_CORE_VERSION_HEX,
        "flux_core_version accepts NULL pointers");
    ok (strcmp (flux_core_version_string (), FLUX_CORE_VERSION_STRING) == 0
        && strcmp (FLUX_CORE_VERSION_STRING, "0.88.0") == 0,
        "flux_core_version_string is 0.88.0");
}

static void test_event_decode_raw (void)
{
    flux_msg_t *msg = flux_event_encode_raw ("ev", "abc", 3);
    const void *data;
    size_t len = 0;
    const char *topic;

    errno = 0;
    ok (flux_event_decode_raw (msg, &topic, &data, NULL) < 0 && errno == EINVAL,
        "flux_event_decode_raw len=NULL fails with EINVAL");
    ok (flux_event_decode_raw (msg, &topic, &data, &len) == 0 && len == 3
        && strcmp (topic, "ev") == 0,
        "flux_event_decode_raw works with every pointer");
    flux_msg_destroy (msg);
}

static void test_hosts (void)
{
    flux_t *h = flux_open ("loop://", 0);
    flux_error_t error;
    char *s;

    if (!h || flux_attr_set_cacheonly (h, "hostlist", "node[0-3]") < 0) {
        ok (0, "loop:// handle with a cached hostlist attribute");
        return;
    }
    ok (strcmp (flux_get_hostbyrank (h, 2), "node2") == 0, "flux_get_hostbyrank 2 is node2");
    ok (strcmp (flux_get_hostbyrank (h, 4), "(null)") == 0, "an unknown rank is (null)");
    ok (strcmp (flux_get_hostbyrank (h, FLUX_NODEID_ANY), "any") == 0
        && strcmp (flux_get_hostbyrank (h, FLUX_NODEID_UPSTREAM), "upstream") == 0,
        "FLUX_NODEID_ANY is any, FLUX_NODEID_UPSTREAM upstream");
    ok (flux_get_rankbyhost (h, "node3") == 3, "flux_get_rankbyhost node3 is 3");
    errno = 0;
    ok (flux_get_rankbyhost (h, "node4") < 0 && errno == ENOENT, "an unknown host is ENOENT");
    s = flux_hostmap_lookup (h, "0-1,3", &error);
    ok (s && strcmp (s, "node[0-1,3]") == 0, "flux_hostmap_lookup 0-1,3 is node[0-1,3]");
    free (s);
    s = flux_hostmap_lookup (h, "node[3,1]", &error);
    ok (s && strcmp (s, "1,3") == 0, "flux_hostmap_lookup node[3,1] is 1,3");
    free (s);
    errno = 0;
    ok (flux_hostmap_lookup (h, "7", &error) == NULL && errno == ENOENT
        && strcmp (error.text, "rank 7 is not in host map") == 0,
        "an unknown rank: ENOENT, %s", error.text);
    errno = 0;
    ok (flux_hostmap_lookup (h, "x[", &error) == NULL && errno == EINVAL
        && strcmp (error.text, "target must be a valid idset or hostlist") == 0,
        "bad targets: EINVAL, %s", error.text);
    flux_close (h);
}

static int fdcount (void)
{
    DIR *d = opendir ("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir (d))
        n++;
    closedir (d);
    return n;
}

/* Handles (with their pollfd and reactor) leave no file descriptor
 * behind, on loop:// and on a fd:// pair. */
static void test_fd_leaks (void)
{
    int sock[2];
    char uri[2][32];
    flux_t *h[2];
    flux_msg_t *msg;
    int before = fdcount ();

    h[0] = flux_open ("loop://", 0);
    ok (h[0] && flux_pollfd (h[0]) >= 0 && flux_pollevents (h[0]) == FLUX_POLLOUT
        && flux_get_reactor (h[0]) != NULL,
        "loop://: pollfd, pollevents (POLLOUT) and reactor");
    flux_close (h[0]);

    char c = 0;
    if (socketpair (PF_LOCAL, SOCK_STREAM, 0, sock) < 0
        || write (sock[0], &c, 1) < 0 || write (sock[1], &c, 1) < 0) {
        ok (0, "socketpair with an auth byte each way (flux_open reads one)");
        return;
    }
    for (int i = 0; i < 2; i++) {
        snprintf (uri[i], sizeof (uri[i]), "fd://%d", sock[i]);
        h[i] = flux_open (uri[i], 0);
    }
    msg = flux_request_encode ("a.b", NULL);
    ok (h[0] && h[1] && flux_send (h[0], msg, 0) == 0 && flux_pollfd (h[1]) >= 0,
        "fd:// pair: send and pollfd");
    flux_msg_destroy (msg);
    msg = flux_recv (h[1], FLUX_MATCH_ANY, 0);
    ok (msg != NULL, "fd:// pair: receive");
    flux_msg_destroy (msg);
    flux_close (h[0]);
    flux_close (h[1]);
    close (sock[0]);
    close (sock[1]);
    /* Not more than before: the Go runtime may close a descriptor of its
     * own (opened at start-up) meanwhile, which is no leak. */
    int after = fdcount ();
    ok (after <= before, "no file descriptors leaked (%d before, %d after)", before, after);
}

int main (void)
{
    test_fd_leaks ();
    test_mirror ();
    test_requeue_same_message ();
    test_send_new ();
    test_version ();
    test_event_decode_raw ();
    test_hosts ();
    return done_testing ();
}
