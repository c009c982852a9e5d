/* C ABI tests of message lists (msglist.h), disconnect and cancel
 * matching (disconnect.h) and control messages (control.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include "tap.h"

static flux_msg_t *request_from (const char *sender, uint32_t userid, uint32_t rolemask,
                                 uint32_t tag, const char *json)
{
    flux_msg_t *m = flux_request_encode ("svc.op", json);
    if (!m)
        return NULL;
    flux_msg_route_enable (m);
    if (flux_msg_route_push (m, sender) < 0
        || flux_msg_set_userid (m, userid) < 0
        || flux_msg_set_rolemask (m, rolemask) < 0
        || flux_msg_set_matchtag (m, tag) < 0) {
        flux_msg_destroy (m);
        return NULL;
    }
    return m;
}

static void test_list (void)
{
    struct flux_msglist *l = flux_msglist_create ();
    flux_msg_t *a = flux_request_encode ("a", NULL);
    flux_msg_t *b = flux_request_encode ("b", NULL);
    flux_msg_t *c = flux_request_encode ("c", NULL);
    const flux_msg_t *m;
    int x;

    ok (l != NULL && flux_msglist_count (l) == 0, "flux_msglist_create makes an empty list");
    ok (flux_msglist_count (NULL) == 0, "flux_msglist_count (NULL) is 0");
    ok (flux_msg_aux_set (b, "x", &x, NULL) == 0
        && flux_msglist_append (l, b) == 0 && flux_msglist_append (l, c) == 0
        && flux_msglist_push (l, a) == 0 && flux_msglist_count (l) == 3,
        "append b, c and push a");
    flux_msg_destroy (b); /* the list keeps its own reference */
    ok (flux_msglist_first (l) == a && flux_msglist_next (l) == b
        && flux_msg_aux_get (flux_msglist_first (l), "x") == NULL,
        "first and next return the messages added, in order");
    m = flux_msglist_next (l);
    ok (m == b && flux_msg_aux_get (m, "x") == &x, "a message dropped by its owner lives on in the list");
    ok (flux_msglist_next (l) == c && flux_msglist_next (l) == NULL,
        "next returns the last message, then NULL");
    ok (flux_msglist_next (l) == a, "next after the end starts over");
    ok (flux_msglist_last (l) == c, "last returns the last message");

    /* delete while iterating: b goes, iteration goes on with c */
    int seen = 0;
    for (m = flux_msglist_first (l); m; m = flux_msglist_next (l)) {
        seen++;
        if (m == b)
            flux_msglist_delete (l);
    }
    ok (seen == 3 && flux_msglist_count (l) == 2, "delete during iteration");

    flux_msglist_first (l);
    m = flux_msglist_pop (l);
    ok (m == a && flux_msglist_count (l) == 1, "pop takes the message at the cursor");
    flux_msg_decref (m);
    flux_msglist_destroy (l);
    flux_msglist_destroy (NULL);
    ok (1, "flux_msglist_destroy (NULL) is harmless");

    if (fluxgo_only ()) { /* flux-core crashes */
        errno = 0;
        ok (flux_msglist_append (NULL, a) < 0 && errno == EINVAL, "append to NULL fails with EINVAL");
    }
    flux_msg_destroy (a);
    flux_msg_destroy (c);
}

static void test_disconnect (void)
{
    struct flux_msglist *l = flux_msglist_create ();
    flux_msg_t *disc = request_from ("client1", 100, FLUX_ROLE_USER, 0, NULL);
    flux_msg_t *owner = request_from ("client1", 5, FLUX_ROLE_OWNER, 0, NULL);
    const char *senders[] = { "client1", "client2", "client1", "client3" };

    for (int i = 0; i < 4; i++) {
        flux_msg_t *m = request_from (senders[i], 100, FLUX_ROLE_USER, i + 1, NULL);
        flux_msglist_append (l, m);
        flux_msg_destroy (m);
    }
    ok (flux_disconnect_match (disc, flux_msglist_first (l)), "disconnect matches the sender's request");
    ok (!flux_disconnect_match (disc, flux_msglist_next (l)), "but not another sender's");
    ok (flux_disconnect_match (owner, flux_msglist_first (l)), "the owner may disconnect a user's requests");
    ok (flux_msglist_disconnect (l, disc) == 2 && flux_msglist_count (l) == 2,
        "flux_msglist_disconnect deletes the sender's 2 requests");
    flux_msglist_destroy (l);
    flux_msg_destroy (disc);
    flux_msg_destroy (owner);
}

static void test_cancel (void)
{
    flux_t *h = flux_open ("loop://", 0);
    struct flux_msglist *l = flux_msglist_create ();
    flux_msg_t *cancel = request_from ("client1", 100, FLUX_ROLE_USER, 0, "{\"matchtag\":2}");
    flux_msg_t *other = request_from ("client1", 100, FLUX_ROLE_USER, 0, "{\"matchtag\":9}");
    flux_msg_t *rsp;
    int errnum = 0;
    uint32_t tag = 0;

    for (int i = 1; i <= 3; i++) {
        flux_msg_t *m = request_from ("client1", 100, FLUX_ROLE_USER, i, NULL);
        flux_msglist_append (l, m);
        flux_msg_destroy (m);
    }
    ok (!flux_cancel_match (cancel, flux_msglist_first (l))
        && flux_cancel_match (cancel, flux_msglist_next (l)),
        "flux_cancel_match matches by the matchtag in the cancel request");
    ok (flux_msglist_cancel (h, l, other) == 0 && flux_msglist_count (l) == 3,
        "flux_msglist_cancel naming no request returns 0");
    ok (flux_msglist_cancel (h, l, cancel) == 1 && flux_msglist_count (l) == 2,
        "flux_msglist_cancel ends and deletes the request");
    rsp = flux_recv (h, FLUX_MATCH_RESPONSE, FLUX_O_NONBLOCK);
    ok (rsp && flux_msg_get_errnum (rsp, &errnum) == 0 && errnum == ENODATA
        && flux_msg_get_matchtag (rsp, &tag) == 0 && tag == 2,
        "with an ENODATA response to matchtag 2");
    flux_msg_destroy (rsp);
    flux_msglist_destroy (l);
    flux_msg_destroy (cancel);
    flux_msg_destroy (other);
    flux_close (h);
}

static void test_control (void)
{
    flux_msg_t *m = flux_control_encode (3, -2);
    flux_msg_t *req = flux_request_encode ("a", NULL);
    int type = 0, status = 0;

    ok (m && flux_control_decode (m, &type, &status) == 0 && type == 3 && status == -2,
        "flux_control_encode/decode round trip");
    ok (flux_control_decode (m, NULL, NULL) == 0, "flux_control_decode accepts NULL pointers");
    ok (flux_msg_set_control (m, 4, 5) == 0 && flux_msg_get_control (m, &type, &status) == 0
        && type == 4 && status == 5, "flux_msg_set_control/get_control");
    errno = 0;
    ok (flux_control_decode (req, &type, &status) < 0 && errno == EPROTO,
        "decoding a request as control fails with EPROTO");
    errno = 0;
    ok (flux_msg_set_control (req, 1, 1) < 0 && errno == EINVAL,
        "flux_msg_set_control on a request fails with EINVAL");
    flux_msg_destroy (m);
    flux_msg_destroy (req);
}

int main (void)
{
    test_list ();
    test_disconnect ();
    test_cancel ();
    test_control ();
    return done_testing ();
}
