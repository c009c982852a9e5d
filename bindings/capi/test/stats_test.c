/* C ABI tests of stats.h: metrics reach a statsd collector named by
 * FLUX_FRIPP_STATSD (here a UDP socket of the test's own). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <flux/core.h>
#include "tap.h"

/* recv_text receives one packet (waiting up to 2 s) into buf. */
static int recv_text (int fd, char *buf, size_t size)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ssize_t n;
    if (poll (&pfd, 1, 2000) != 1 || (n = recv (fd, buf, size - 1, 0)) < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

int main (void)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof (sin);
    char addr[64], buf[2048];
    flux_t *h;
    int fd;

    h = flux_open ("loop://", 0);
    unsetenv ("FLUX_FRIPP_STATSD");
    ok (h && !flux_stats_enabled (h, NULL), "without FLUX_FRIPP_STATSD metrics are off");
    flux_stats_count (h, "x", 1); /* does nothing */
    flux_close (h);

    sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if ((fd = socket (AF_INET, SOCK_DGRAM, 0)) < 0
        || bind (fd, (struct sockaddr *)&sin, sizeof (sin)) < 0
        || getsockname (fd, (struct sockaddr *)&sin, &len) < 0) {
        ok (0, "a UDP collector socket");
        return done_testing ();
    }
    snprintf (addr, sizeof (addr), "127.0.0.1:%d", ntohs (sin.sin_port));
    setenv ("FLUX_FRIPP_STATSD", addr, 1);
    h = flux_open ("loop://", 0);
    ok (h && flux_stats_enabled (h, "c"), "with FLUX_FRIPP_STATSD=%s metrics are on", addr);
    flux_stats_set_period (h, 0.);
    flux_stats_set_prefix (h, "test%d", 7);
    flux_stats_count (h, "c", 3);
    ok (recv_text (fd, buf, sizeof (buf)) == 0 && strcmp (buf, "test7.c:3|C") == 0,
        "a counter is sent at once with period 0: %s", buf);
    flux_stats_gauge_inc (h, "g", 2);
    ok (recv_text (fd, buf, sizeof (buf)) == 0 && strcmp (buf, "test7.g:+2|g") == 0,
        "a gauge increment: %s", buf);
    flux_stats_timing (h, "t", 1.5);
    ok (recv_text (fd, buf, sizeof (buf)) == 0 && strcmp (buf, "test7.t:1.500000|ms") == 0,
        "a timing: %s", buf);
    flux_close (h);
    close (fd);
    return done_testing ();
}
