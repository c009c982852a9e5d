/* KVS checks: run as the initial program of a full flux-core instance
 * (plain flux start PROG: the kvs and kvs-watch modules loaded). The same
 * program is built against fluxgo's and flux-core's libraries and must
 * give the same answers (make kvs-ctest); checks where fluxgo is stricter
 * than flux-core (NULL objects, which crash flux-core) run only with
 * FLUXGO_CTEST_EXTENSIONS set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flux/core.h>
#include "../tap.h"

/* Print which expression failed a batch check. */
static void diag_fail (const char *expr)
{
    printf ("# failed: %s (errno %d)\n", expr, errno);
}

/* Commit txn to ns (NULL: default) and return the new root sequence, -1
 * on error. */
static int commit (flux_t *h, const char *ns, int flags, flux_kvs_txn_t *txn)
{
    flux_future_t *f = flux_kvs_commit (h, ns, flags, txn);
    int seq = -1;

    if (!f || flux_kvs_commit_get_sequence (f, &seq) < 0)
        seq = -1;
    flux_future_destroy (f);
    return seq;
}

/* NULL (or stale) objects fail with EINVAL instead of crashing, which
 * flux-core does not promise: run only against fluxgo. */
static void test_null (flux_t *h)
{
    const char *s;
    const void *d;
    size_t len;
    int i;
    uint32_t u;
    const flux_kvsdir_t *dir;
    flux_future_t *plain = flux_future_create (NULL, NULL);
    flux_kvs_txn_t *txn = flux_kvs_txn_create ();
    int bad = 0;

#define EXPECT(expr) do { errno = 0; if (!(expr) || errno != EINVAL) { bad++; \
        diag_fail (#expr); } } while (0)
    EXPECT (flux_kvs_lookup (NULL, NULL, 0, "a") == NULL);
    EXPECT (flux_kvs_lookup (h, NULL, 0, NULL) == NULL);
    EXPECT (flux_kvs_lookupat (h, 0, "a", NULL) == NULL);
    EXPECT (flux_kvs_lookupat (h, 0, "a", "not json") == NULL);
    EXPECT (flux_kvs_lookup_get (NULL, &s) < 0);
    EXPECT (flux_kvs_lookup_get (plain, &s) < 0);
    EXPECT (flux_kvs_lookup_get_raw (plain, &d, &len) < 0);
    EXPECT (flux_kvs_lookup_get_treeobj (plain, &s) < 0);
    EXPECT (flux_kvs_lookup_get_dir (plain, &dir) < 0);
    EXPECT (flux_kvs_lookup_get_symlink (plain, &s, &s) < 0);
    EXPECT (flux_kvs_lookup_get_unpack (plain, "s", &s) < 0);
    EXPECT (flux_kvs_lookup_get_key (plain) == NULL);
    EXPECT (flux_kvs_lookup_cancel (plain) < 0);
    EXPECT (flux_kvs_getroot (NULL, NULL, 0) == NULL);
    EXPECT (flux_kvs_getroot_get_owner (NULL, &u) < 0);
    EXPECT (flux_kvs_getroot_get_sequence (plain, NULL) < 0);
    EXPECT (flux_kvs_getroot_get_treeobj (plain, &s) < 0);
    EXPECT (flux_kvs_commit (h, NULL, 0, NULL) == NULL);
    EXPECT (flux_kvs_commit (NULL, NULL, 0, txn) == NULL);
    EXPECT (flux_kvs_commit_get_treeobj (plain, &s) < 0);
    EXPECT (flux_kvs_commit_get_rootref (NULL, &s) < 0);
    EXPECT (flux_kvs_commit_get_sequence (NULL, &i) < 0);
    EXPECT (flux_kvs_copy (h, NULL, NULL, NULL, "b", 0) == NULL);
    EXPECT (flux_kvs_move (NULL, NULL, "a", NULL, "b", 0) == NULL);
    EXPECT (flux_kvs_namespace_create (h, NULL, 0, 0) == NULL);
    EXPECT (flux_kvs_namespace_create_with (h, "x", NULL, 0, 0) == NULL);
    EXPECT (flux_kvs_namespace_remove (h, NULL) == NULL);
    EXPECT (flux_kvs_get_version (NULL, NULL, &i) < 0);
    EXPECT (flux_kvs_wait_version (NULL, NULL, 1) < 0);
    EXPECT (flux_kvs_txn_put (NULL, 0, "a", "b") < 0);
    EXPECT (flux_kvs_txn_put (txn, 0, NULL, "b") < 0);
    EXPECT (flux_kvs_txn_pack (NULL, 0, "a", "i", 1) < 0);
    EXPECT (flux_kvs_txn_pack (txn, 0, "a", NULL) < 0);
    EXPECT (flux_kvs_txn_put_raw (txn, 0, "a", NULL, 5) < 0);
    EXPECT (flux_kvs_txn_put_treeobj (txn, 0, "a", NULL) < 0);
    EXPECT (flux_kvs_txn_mkdir (NULL, 0, "a") < 0);
    EXPECT (flux_kvs_txn_unlink (txn, 0, NULL) < 0);
    EXPECT (flux_kvs_txn_symlink (txn, 0, "a", NULL, NULL) < 0);
    EXPECT (flux_kvs_txn_clear (NULL) < 0);
    EXPECT (flux_kvsdir_create (h, NULL, NULL, "{}") == NULL);
    EXPECT (flux_kvsdir_create (h, NULL, "k", "{\"data\":\"\",\"type\":\"val\",\"ver\":1}") == NULL);
    EXPECT (flux_kvsdir_copy (NULL) == NULL);
    EXPECT (flux_kvsitr_create (NULL) == NULL);
    EXPECT (flux_kvsdir_get_size (NULL) < 0);
    EXPECT (!flux_kvsdir_exists (NULL, "a"));
    EXPECT (!flux_kvsdir_isdir (NULL, "a"));
    EXPECT (!flux_kvsdir_issymlink (NULL, "a"));
    EXPECT (flux_kvsdir_key (NULL) == NULL);
    EXPECT (flux_kvsdir_handle (NULL) == NULL);
    EXPECT (flux_kvsdir_rootref (NULL) == NULL);
    EXPECT (flux_kvsdir_key_at (NULL, "a") == NULL);
#undef EXPECT
    ok (bad == 0, "NULL and wrong-kind objects fail with EINVAL (%d did not)", bad);
    ok (flux_kvsitr_next (NULL) == NULL && flux_kvs_txn_is_empty (NULL), "kvsitr_next and txn_is_empty of NULL");
    flux_kvsitr_rewind (NULL);
    flux_kvsitr_destroy (NULL);
    flux_kvsdir_destroy (NULL);
    flux_kvsdir_incref (NULL);
    flux_kvs_txn_destroy (NULL);
    ok (flux_kvs_txn_is_empty (txn), "nothing was added by the failed calls");
    flux_kvs_txn_destroy (txn);
    errno = 0;
    ok (flux_kvs_txn_put (txn, 0, "a", "b") < 0 && errno == EINVAL, "a destroyed transaction fails with EINVAL");
    flux_future_destroy (plain);

    flux_kvsdir_t *d2 = flux_kvsdir_create (NULL, NULL, ".", "{\"data\":{},\"type\":\"dir\",\"ver\":1}");
    ok (d2 && flux_kvsdir_get_size (d2) == 0 && flux_kvsdir_handle (d2) == NULL, "kvsdir_create without a handle");
    flux_kvsdir_destroy (d2);
    errno = 0;
    ok (flux_kvsdir_get_size (d2) < 0 && errno == EINVAL, "a destroyed directory fails with EINVAL");
}

static void test_values (flux_t *h)
{
    flux_kvs_txn_t *txn = flux_kvs_txn_create ();
    flux_future_t *f;
    const char *s = NULL, *treeobj = NULL, *rootref = NULL;
    const void *data = NULL;
    size_t len = 99;
    int seq = -1, n = 0, i = -1, rc;
    char raw[] = { 'a', 0, 'b' };

    ok (txn && flux_kvs_txn_is_empty (txn), "a new transaction is empty");
    ok (flux_kvs_txn_put (txn, 0, "c.str", "hello") == 0, "txn_put");
    ok (flux_kvs_txn_pack (txn, 0, "c.obj", "{s:i s:[i,i]}", "n", 42, "a", 1, 2) == 0, "txn_pack");
    ok (flux_kvs_txn_put_raw (txn, 0, "c.raw", raw, sizeof (raw)) == 0, "txn_put_raw");
    ok (flux_kvs_txn_put (txn, 0, "c.empty", NULL) == 0, "txn_put of NULL");
    ok (flux_kvs_txn_put_treeobj (txn, 0, "c.tree", "{\"data\":\"eA==\",\"type\":\"val\",\"ver\":1}") == 0,
        "txn_put_treeobj");
    ok (flux_kvs_txn_mkdir (txn, 0, "c.dir") == 0, "txn_mkdir");
    ok (flux_kvs_txn_symlink (txn, 0, "c.link", NULL, "c.str") == 0, "txn_symlink");
    ok (flux_kvs_txn_put (txn, FLUX_KVS_APPEND, "c.log", "1") == 0
        && flux_kvs_txn_put (txn, FLUX_KVS_APPEND, "c.log", "2") == 0, "txn_put with FLUX_KVS_APPEND");
    ok (!flux_kvs_txn_is_empty (txn), "the transaction is no longer empty");

    f = flux_kvs_commit (h, NULL, FLUX_KVS_TXN_COMPACT, txn);
    rc = flux_kvs_commit_get_sequence (f, &seq);
    ok (f && rc == 0 && seq > 0, "commit: sequence %d", seq);
    rc = flux_kvs_commit_get_rootref (f, &rootref);
    ok (rc == 0 && strncmp (rootref, "sha", 3) == 0, "commit_get_rootref %s", rootref);
    ok (flux_kvs_commit_get_treeobj (f, &treeobj) == 0 && strstr (treeobj, "\"type\":\"dirref\"")
        && strstr (treeobj, rootref), "commit_get_treeobj names the root");
    flux_kvs_txn_destroy (txn);

    flux_future_t *l = flux_kvs_lookup (h, NULL, 0, "c.str");
    rc = flux_kvs_lookup_get (l, &s);
    ok (l && rc == 0 && strcmp (s, "hello") == 0, "lookup_get: %s", s);
    ok (strcmp (flux_kvs_lookup_get_key (l), "c.str") == 0, "lookup_get_key");
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.obj");
    rc = flux_kvs_lookup_get_unpack (l, "{s:i}", "n", &n);
    ok (l && rc == 0 && n == 42, "lookup_get_unpack: n=%d", n);
    rc = flux_kvs_lookup_get (l, &s);
    ok (rc == 0 && strcmp (s, "{\"n\":42,\"a\":[1,2]}") == 0, "txn_pack stored compact JSON: %s", s);
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.raw");
    rc = flux_kvs_lookup_get_raw (l, &data, &len);
    ok (l && rc == 0 && len == 3 && memcmp (data, raw, 3) == 0, "lookup_get_raw: %zu bytes", len);
    errno = 0;
    ok (flux_kvs_lookup_get_unpack (l, "o", NULL) < 0 && errno == EINVAL, "get_unpack of a non-JSON value: EINVAL");
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.empty");
    s = "x";
    ok (l && flux_kvs_lookup_get (l, &s) == 0 && s == NULL, "an empty value reads as NULL");
    data = "x";
    ok (flux_kvs_lookup_get_raw (l, &data, &len) == 0 && data == NULL && len == 0, "and as NULL, 0 raw");
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.tree");
    ok (l && flux_kvs_lookup_get (l, &s) == 0 && strcmp (s, "x") == 0, "a value put as a tree object");
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.log");
    rc = flux_kvs_lookup_get (l, &s);
    ok (l && rc == 0 && strcmp (s, "12") == 0, "compacted appends: %s", s);
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, FLUX_KVS_TREEOBJ, "c.str");
    rc = flux_kvs_lookup_get_treeobj (l, &s);
    ok (l && rc == 0 && strcmp (s, "{\"data\":\"aGVsbG8=\",\"type\":\"val\",\"ver\":1}") == 0,
        "lookup_get_treeobj: %s", s);
    flux_future_destroy (l);

    const char *ns = "x", *target = NULL;
    l = flux_kvs_lookup (h, NULL, FLUX_KVS_READLINK, "c.link");
    rc = flux_kvs_lookup_get_symlink (l, &ns, &target);
    ok (l && rc == 0 && ns == NULL && strcmp (target, "c.str") == 0, "lookup_get_symlink: %s", target);
    flux_future_destroy (l);

    l = flux_kvs_lookup (h, NULL, 0, "c.link");
    ok (l && flux_kvs_lookup_get (l, &s) == 0 && strcmp (s, "hello") == 0, "a symlink is followed");
    flux_future_destroy (l);

    const flux_kvsdir_t *dir = NULL;
    l = flux_kvs_lookup (h, NULL, FLUX_KVS_READDIR, "c");
    ok (l && flux_kvs_lookup_get_dir (l, &dir) == 0, "lookup_get_dir");
    if (dir) {
        const flux_kvsdir_t *again = NULL;
        flux_kvsitr_t *itr = flux_kvsitr_create (dir);
        char names[256] = "";
        const char *name;
        while ((name = flux_kvsitr_next (itr))) {
            strcat (names, name);
            strcat (names, " ");
        }
        ok (strcmp (names, "dir empty link log obj raw str tree ") == 0, "kvsitr in order: %s", names);
        flux_kvsitr_rewind (itr);
        name = flux_kvsitr_next (itr);
        ok (name && strcmp (name, "dir") == 0, "kvsitr_rewind");
        flux_kvsitr_destroy (itr);
        ok (flux_kvsdir_get_size (dir) == 8, "kvsdir_get_size");
        ok (flux_kvsdir_exists (dir, "str") && !flux_kvsdir_exists (dir, "nope"), "kvsdir_exists");
        ok (flux_kvsdir_isdir (dir, "dir") && !flux_kvsdir_isdir (dir, "str"), "kvsdir_isdir");
        ok (flux_kvsdir_issymlink (dir, "link") && !flux_kvsdir_issymlink (dir, "str"), "kvsdir_issymlink");
        ok (strcmp (flux_kvsdir_key (dir), "c") == 0, "kvsdir_key");
        ok (flux_kvsdir_handle (dir) == h, "kvsdir_handle is the lookup's handle");
        ok (flux_kvsdir_rootref (dir) == NULL, "kvsdir_rootref is NULL for a plain lookup");
        char *k = flux_kvsdir_key_at (dir, "str");
        ok (k && strcmp (k, "c.str") == 0, "kvsdir_key_at: %s", k);
        free (k);
        flux_kvsdir_t *cpy = flux_kvsdir_copy (dir);
        ok (cpy && flux_kvsdir_get_size (cpy) == 8, "kvsdir_copy");
        flux_kvsdir_incref (cpy);
        flux_kvsdir_destroy (cpy);
        ok (flux_kvsdir_get_size (cpy) == 8, "kvsdir_incref keeps it alive");
        flux_kvsdir_destroy (cpy);
        ok (flux_kvs_lookup_get_dir (l, &again) == 0 && again == dir, "lookup_get_dir twice: the same object");
    }
    flux_future_destroy (l);

    /* The snapshot of the first commit. */
    flux_kvs_txn_t *t2 = flux_kvs_txn_create ();
    flux_kvs_txn_put (t2, 0, "c.str", "changed");
    ok (commit (h, NULL, 0, t2) > seq, "a second commit");
    flux_kvs_txn_destroy (t2);
    l = flux_kvs_lookupat (h, 0, "c.str", treeobj);
    rc = flux_kvs_lookup_get (l, &s);
    ok (l && rc == 0 && strcmp (s, "hello") == 0, "lookupat the first root: %s", s);
    flux_future_destroy (l);
    l = flux_kvs_lookupat (h, FLUX_KVS_READDIR, "c", treeobj);
    ok (l && flux_kvs_lookup_get_dir (l, &dir) == 0 && flux_kvsdir_rootref (dir)
        && strcmp (flux_kvsdir_rootref (dir), treeobj) == 0, "a directory read with lookupat has the root as rootref");
    flux_future_destroy (f);
    flux_future_destroy (l);

    /* getroot */
    uint32_t owner = 1234;
    f = flux_kvs_getroot (h, NULL, 0);
    rc = flux_kvs_getroot_get_sequence (f, &i);
    ok (f && rc == 0 && i > seq, "getroot_get_sequence %d", i);
    ok (flux_kvs_getroot_get_blobref (f, &s) == 0 && strncmp (s, "sha", 3) == 0, "getroot_get_blobref");
    rc = flux_kvs_getroot_get_owner (f, &owner);
    ok (rc == 0 && owner == getuid (), "getroot_get_owner %u", owner);
    ok (flux_kvs_getroot_get_treeobj (f, &s) == 0 && strstr (s, "dirref"), "getroot_get_treeobj");
    flux_future_destroy (f);
    rc = flux_kvs_get_version (h, NULL, &i);
    ok (rc == 0 && i > seq, "get_version %d", i);
    ok (flux_kvs_wait_version (h, NULL, i) == 0, "wait_version");

    /* Errors. */
    l = flux_kvs_lookup (h, NULL, 0, "c.nosuch");
    errno = 0;
    ok (l && flux_kvs_lookup_get (l, &s) < 0 && errno == ENOENT, "a missing key: ENOENT");
    flux_future_destroy (l);
    l = flux_kvs_lookup (h, NULL, 0, "c.dir");
    errno = 0;
    ok (l && flux_kvs_lookup_get (l, &s) < 0 && errno == EISDIR, "a directory read as a value: EISDIR");
    flux_future_destroy (l);
    errno = 0;
    ok (flux_kvs_lookup (h, NULL, 0, "") == NULL && errno == EINVAL, "lookup of an empty key: EINVAL");
    errno = 0;
    ok (flux_kvs_lookup (h, NULL, FLUX_KVS_READDIR | FLUX_KVS_READLINK, "c") == NULL && errno == EINVAL,
        "lookup with conflicting flags: EINVAL");
    txn = flux_kvs_txn_create ();
    errno = 0;
    ok (flux_kvs_txn_put (txn, 0, "", "x") < 0 && errno == EINVAL, "txn_put of an empty key: EINVAL");
    errno = 0;
    ok (flux_kvs_txn_mkdir (txn, FLUX_KVS_APPEND, "x") < 0 && errno == EINVAL, "txn_mkdir with APPEND: EINVAL");
    errno = 0;
    ok (flux_kvs_txn_put_treeobj (txn, 0, "x", "{}") < 0 && errno == EPROTO, "txn_put_treeobj of a bad object: EPROTO");
    ok (flux_kvs_txn_is_empty (txn), "failed operations are not recorded");
    flux_kvs_txn_put (txn, 0, "x", "y");
    ok (flux_kvs_txn_clear (txn) == 0 && flux_kvs_txn_is_empty (txn), "txn_clear");
    flux_kvs_txn_put (txn, 0, "x", "y");
    f = flux_kvs_commit (h, "no-such-ns", 0, txn);
    errno = 0;
    ok (f && flux_kvs_commit_get_sequence (f, &i) < 0 && errno == ENOTSUP, "commit to a missing namespace: ENOTSUP");
    flux_future_destroy (f);
    flux_kvs_txn_destroy (txn);
    if (fluxgo_only ())
        test_null (h);
}

static void test_watch (flux_t *h)
{
    flux_kvs_txn_t *txn;
    flux_future_t *f;
    const char *s = NULL;
    char want[16];
    int i, good = 1;

    txn = flux_kvs_txn_create ();
    flux_kvs_txn_put (txn, 0, "w.k", "0");
    commit (h, NULL, 0, txn);
    flux_kvs_txn_destroy (txn);

    f = flux_kvs_lookup (h, NULL, FLUX_KVS_WATCH, "w.k");
    for (i = 0; i < 5; i++) {
        snprintf (want, sizeof (want), "%d", i);
        if (flux_kvs_lookup_get (f, &s) < 0 || strcmp (s, want) != 0)
            good = 0;
        flux_future_reset (f);
        txn = flux_kvs_txn_create ();
        snprintf (want, sizeof (want), "%d", i + 1);
        flux_kvs_txn_put (txn, 0, "w.k", want);
        commit (h, NULL, 0, txn);
        flux_kvs_txn_destroy (txn);
    }
    ok (f && good, "a watch sees every value in order");
    ok (flux_kvs_lookup_cancel (f) == 0, "lookup_cancel");
    /* Values committed before the cancel may still come; then ENODATA. */
    while (flux_kvs_lookup_get (f, &s) == 0)
        flux_future_reset (f);
    ok (errno == ENODATA, "after cancel the watch ends with ENODATA");
    flux_future_destroy (f);

    f = flux_kvs_lookup (h, NULL, 0, "w.k");
    errno = 0;
    ok (flux_kvs_lookup_cancel (f) < 0 && errno == EINVAL, "lookup_cancel of a plain lookup: EINVAL");
    flux_future_destroy (f);

    f = flux_kvs_lookup (h, NULL, FLUX_KVS_WAITCREATE, "w.later");
    ok (f && flux_future_wait_for (f, 0.2) < 0 && errno == ETIMEDOUT, "WAITCREATE waits for the key");
    txn = flux_kvs_txn_create ();
    flux_kvs_txn_put (txn, 0, "w.later", "here");
    commit (h, NULL, 0, txn);
    flux_kvs_txn_destroy (txn);
    ok (flux_kvs_lookup_get (f, &s) == 0 && strcmp (s, "here") == 0, "and answers once it exists");
    flux_future_destroy (f);
}

static void test_namespaces_copy (flux_t *h)
{
    flux_kvs_txn_t *txn;
    flux_future_t *f;
    const char *s = NULL, *ns = NULL, *target = NULL;
    int seq = -1;

    f = flux_kvs_namespace_create (h, "ctestns", FLUX_USERID_UNKNOWN, 0);
    ok (f && flux_future_get (f, NULL) == 0, "namespace_create");
    flux_future_destroy (f);
    f = flux_kvs_namespace_create (h, "ctestns", FLUX_USERID_UNKNOWN, 0);
    errno = 0;
    ok (f && flux_future_get (f, NULL) < 0 && errno == EEXIST, "namespace_create twice: EEXIST");
    flux_future_destroy (f);

    txn = flux_kvs_txn_create ();
    flux_kvs_txn_put (txn, 0, "d.v", "in ns");
    ok (commit (h, "ctestns", 0, txn) > 0, "commit to the namespace");
    flux_kvs_txn_destroy (txn);
    txn = flux_kvs_txn_create ();
    flux_kvs_txn_symlink (txn, 0, "nslink", "ctestns", "d.v");
    ok (commit (h, NULL, 0, txn) > 0, "a symlink into the namespace");
    flux_kvs_txn_destroy (txn);
    f = flux_kvs_lookup (h, NULL, 0, "nslink");
    ok (f && flux_kvs_lookup_get (f, &s) == 0 && strcmp (s, "in ns") == 0, "followed across namespaces");
    flux_future_destroy (f);
    f = flux_kvs_lookup (h, NULL, FLUX_KVS_READLINK, "nslink");
    ok (f && flux_kvs_lookup_get_symlink (f, &ns, &target) == 0 && strcmp (ns, "ctestns") == 0
        && strcmp (target, "d.v") == 0, "lookup_get_symlink with a namespace");
    flux_future_destroy (f);

    setenv ("FLUX_KVS_NAMESPACE", "ctestns", 1);
    f = flux_kvs_lookup (h, NULL, 0, "d.v");
    ok (f && flux_kvs_lookup_get (f, &s) == 0 && strcmp (s, "in ns") == 0, "FLUX_KVS_NAMESPACE picks the namespace");
    flux_future_destroy (f);
    unsetenv ("FLUX_KVS_NAMESPACE");

    f = flux_kvs_copy (h, "ctestns", "d", NULL, "copied", 0);
    ok (f && flux_kvs_commit_get_sequence (f, &seq) == 0 && seq > 0, "copy a directory across namespaces");
    flux_future_destroy (f);
    f = flux_kvs_move (h, NULL, "copied", NULL, "moved", 0);
    ok (f && flux_future_get (f, NULL) == 0, "move");
    flux_future_destroy (f);
    f = flux_kvs_lookup (h, NULL, 0, "moved.v");
    ok (f && flux_kvs_lookup_get (f, &s) == 0 && strcmp (s, "in ns") == 0, "the moved copy reads back");
    flux_future_destroy (f);
    f = flux_kvs_lookup (h, NULL, 0, "copied.v");
    errno = 0;
    ok (f && flux_kvs_lookup_get (f, &s) < 0 && errno == ENOENT, "the move's source is gone");
    flux_future_destroy (f);
    f = flux_kvs_copy (h, NULL, "no.such", NULL, "x", 0);
    errno = 0;
    ok (f && flux_future_get (f, NULL) < 0 && errno == ENOENT, "copy of a missing key: ENOENT");
    flux_future_destroy (f);

    f = flux_kvs_namespace_remove (h, "ctestns");
    ok (f && flux_future_get (f, NULL) == 0, "namespace_remove");
    flux_future_destroy (f);
}

int main (void)
{
    flux_t *h = flux_open (NULL, 0);

    if (!ok (h != NULL, "flux_open"))
        return done_testing ();
    test_values (h);
    test_watch (h);
    test_namespaces_copy (h);
    flux_close (h);
    return done_testing ();
}
