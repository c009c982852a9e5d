/* Multi-rank checks: run as the initial program of a four-broker instance
 * shaped as a binary tree (flux start --test-size=4 -o,-Stbon.topo=kary:2
 * PROG: ranks 1 and 2 below rank 0, rank 3 below rank 1). Clients connect to each rank's own
 * socket (local-N in the instance's rundir) and exercise routing between
 * brokers: RPCs by nodeid, FLUX_NODEID_UPSTREAM, events published on one
 * rank and received on others, and a service registered on rank 1.
 * The same program is built against fluxgo's and flux-core's libraries and
 * must give the same answers (make multirank). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flux/core.h>
#include "../tap.h"

#define SIZE 4

static flux_t *open_rank (const char *rundir, int rank)
{
    char uri[4096];
    flux_t *h;

    snprintf (uri, sizeof (uri), "local://%s/local-%d", rundir, rank);
    if (!(h = flux_open (uri, 0)))
        fprintf (stderr, "flux_open %s: %s\n", uri, strerror (errno));
    return h;
}

/* The rank that answers attr.get rank when sent from h to nodeid, or -1
 * with errno set. */
static int rank_of (flux_t *h, uint32_t nodeid)
{
    flux_future_t *f;
    const char *value;
    int rank = -1;

    f = flux_rpc_pack (h, "attr.get", nodeid, 0, "{s:s}", "name", "rank");
    if (f && flux_rpc_get_unpack (f, "{s:s}", "value", &value) == 0)
        rank = atoi (value);
    flux_future_destroy (f);
    return rank;
}

/* Parent of rank (> 0) in the instance's kary:K tree (tbon.topo), or -1. */
static int kary_parent (flux_t *h, int rank)
{
    const char *topo = flux_attr_get (h, "tbon.topo");
    int k;

    if (rank < 1 || !topo || sscanf (topo, "kary:%d", &k) != 1 || k < 1) {
        fprintf (stderr, "# rank %d, tbon.topo %s: no kary parent\n", rank, topo ? topo : "(unset)");
        return -1;
    }
    return (rank - 1) / k;
}

static void test_ranks (flux_t *h[])
{
    uint32_t size = 0;
    int r, rc;

    rc = flux_get_size (h[0], &size);
    ok (rc == 0 && size == SIZE, "flux_get_size is %d (%u)", SIZE, size);
    for (r = 0; r < SIZE; r++) {
        uint32_t rank = 99;
        rc = flux_get_rank (h[r], &rank);
        ok (rc == 0 && rank == (uint32_t)r, "a client on local-%d is on rank %d (%u)", r, r, rank);
    }
    for (r = 0; r < SIZE; r++) {
        int got = rank_of (h[0], r);
        ok (got == r, "attr.get rank sent from rank 0 to nodeid %d is answered by rank %d (%d)", r, r, got);
    }
}

static void test_upstream (flux_t *h[])
{
    int parent = kary_parent (h[0], 2);
    int got = rank_of (h[2], FLUX_NODEID_UPSTREAM);

    ok (parent == 0, "rank 2's parent in the tree is rank 0 (%d)", parent);
    ok (got == parent, "FLUX_NODEID_UPSTREAM from rank 2 reaches its parent (%d)", got);
    got = rank_of (h[3], FLUX_NODEID_UPSTREAM);
    ok (got == kary_parent (h[0], 3) && got == 1, "FLUX_NODEID_UPSTREAM from rank 3 reaches rank 1 (%d)", got);
    errno = 0;
    got = rank_of (h[0], FLUX_NODEID_UPSTREAM);
    ok (got < 0 && errno == EHOSTUNREACH, "FLUX_NODEID_UPSTREAM from rank 0 fails with EHOSTUNREACH (%s)",
        strerror (errno));
    errno = 0;
    got = rank_of (h[0], SIZE);
    ok (got < 0 && errno == EHOSTUNREACH, "nodeid %d (past the size) fails with EHOSTUNREACH (%s)", SIZE,
        strerror (errno));
}

/* Receive an event matching topic on h, waiting at most a few seconds. */
static int recv_event (flux_t *h, const char *topic, int *seq)
{
    struct flux_match m = FLUX_MATCH_EVENT;
    flux_msg_t *msg;
    const char *t;
    int rc = -1;

    m.topic_glob = topic;
    if (!(msg = flux_recv (h, m, 0)))
        return -1;
    if (flux_msg_get_topic (msg, &t) == 0 && strcmp (t, topic) == 0
        && flux_msg_get_seq (msg, (uint32_t *)seq) == 0)
        rc = 0;
    flux_msg_destroy (msg);
    return rc;
}

static void test_events (flux_t *h[])
{
    flux_future_t *f;
    int seq = -1, seq0 = -2, seq2 = -3, rc;

    ok (flux_event_subscribe (h[0], "mrtest.ev") == 0, "a client on rank 0 subscribes to mrtest.ev");
    ok (flux_event_subscribe (h[2], "mrtest.ev") == 0, "a client on rank 2 subscribes to mrtest.ev");
    f = flux_event_publish (h[3], "mrtest.ev", 0, "{\"from\":3}");
    rc = f ? flux_event_publish_get_seq (f, &seq) : -1;
    ok (rc == 0 && seq > 0, "a client on rank 3 publishes it (seq %d)", seq);
    flux_future_destroy (f);
    rc = recv_event (h[0], "mrtest.ev", &seq0);
    ok (rc == 0 && seq0 == seq, "rank 0's subscriber gets it (seq %d)", seq0);
    rc = recv_event (h[2], "mrtest.ev", &seq2);
    ok (rc == 0 && seq2 == seq, "rank 2's subscriber gets it (seq %d)", seq2);
}

/* Answer one request for the test service on h (the client on rank 1). */
static int serve_one (flux_t *h)
{
    struct flux_match m = FLUX_MATCH_REQUEST;
    flux_msg_t *msg;
    int rc;

    m.topic_glob = "mrtest.*";
    if (!(msg = flux_recv (h, m, 0)))
        return -1;
    rc = flux_respond_pack (h, msg, "{s:i}", "served-by", 1);
    flux_msg_destroy (msg);
    return rc;
}

/* Send mrtest.hello from h to nodeid; the client on rank 1 (srv) answers
 * unless srv is NULL. Returns 0 if the answer came from rank 1's client. */
static int call_service (flux_t *h, uint32_t nodeid, flux_t *srv)
{
    flux_future_t *f = flux_rpc (h, "mrtest.hello", "{}", nodeid, 0);
    int by = -1;

    if (!f)
        return -1;
    if (srv && serve_one (srv) < 0) {
        flux_future_destroy (f);
        return -1;
    }
    if (flux_rpc_get_unpack (f, "{s:i}", "served-by", &by) < 0)
        by = -1;
    flux_future_destroy (f);
    return by == 1 ? 0 : -1;
}

static void test_service (flux_t *h[], const char *rundir)
{
    flux_t *srv = open_rank (rundir, 1);
    flux_future_t *f = srv ? flux_service_register (srv, "mrtest") : NULL;
    int i, rc = -1;

    ok (f && flux_future_get (f, NULL) == 0, "a client on rank 1 registers service mrtest");
    flux_future_destroy (f);
    ok (call_service (h[0], 1, srv) == 0, "rank 0 calls it with nodeid 1");
    ok (call_service (h[3], FLUX_NODEID_ANY, srv) == 0, "rank 3 calls it with FLUX_NODEID_ANY (upstream to rank 1)");
    errno = 0;
    rc = call_service (h[2], FLUX_NODEID_ANY, NULL);
    ok (rc < 0 && errno == ENOSYS, "rank 2 (not below rank 1) gets ENOSYS with FLUX_NODEID_ANY (%s)",
        strerror (errno));
    flux_close (srv);
    /* The disconnect reaches rank 1 over the client's socket and the
     * request over the tree, so allow the broker a moment. */
    for (i = 0; i < 100; i++) {
        errno = 0;
        rc = call_service (h[0], 1, NULL);
        if (rc < 0 && errno == ENOSYS)
            break;
        usleep (100000);
    }
    ok (rc < 0 && errno == ENOSYS, "after the client disconnects, calls fail with ENOSYS (%s)", strerror (errno));
}

int main (void)
{
    flux_t *h[SIZE] = { NULL };
    const char *rundir;
    int r;

    if (!(h[0] = flux_open (NULL, 0)) || !(rundir = flux_attr_get (h[0], "rundir"))) {
        fprintf (stderr, "cannot open the instance or get its rundir: %s\n", strerror (errno));
        return 1;
    }
    for (r = 1; r < SIZE; r++)
        if (!(h[r] = open_rank (rundir, r)))
            return 1;
    test_ranks (h);
    test_upstream (h);
    test_events (h);
    test_service (h, rundir);
    for (r = 0; r < SIZE; r++)
        flux_close (h[r]);
    return done_testing ();
}
