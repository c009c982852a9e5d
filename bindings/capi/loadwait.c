/* Waiting at load for the Go runtime.
 *
 * A c-shared Go library starts its runtime on a thread of its own when it
 * is loaded, and that thread briefly opens files (/sys and /proc entries)
 * while the host's main() may already be running. flux-core's tests count
 * the host's open descriptors before and after, so a count taken in that
 * window is off by one. The constructor below holds the loading thread
 * until the Go side says it is up (fluxgo_loadwait_done, called from a Go
 * init function, after the runtime's own start-up), so the host's main()
 * starts with the runtime settled.
 *
 * This relies on the constructor running after the Go runtime's own entry
 * in .init_array (it does: the Go object is linked first); the ctest
 * target checks that order in the built library (test/check-init-order.sh).
 * Were it ever reversed, the wait gives up after its deadline instead of
 * hanging. */
#include <pthread.h>
#include <time.h>
#include <errno.h>

#include "capi.h"

static pthread_mutex_t loadwait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t loadwait_cond = PTHREAD_COND_INITIALIZER;
static int loadwait_up;

/* How long a load waits at most for the Go runtime. */
enum { loadwait_deadline_sec = 2 };

void fluxgo_loadwait_done (void)
{
    pthread_mutex_lock (&loadwait_lock);
    loadwait_up = 1;
    pthread_cond_broadcast (&loadwait_cond);
    pthread_mutex_unlock (&loadwait_lock);
}

__attribute__((constructor)) static void fluxgo_loadwait (void)
{
    struct timespec deadline;
    int rc = 0;

    clock_gettime (CLOCK_REALTIME, &deadline);
    deadline.tv_sec += loadwait_deadline_sec;
    pthread_mutex_lock (&loadwait_lock);
    while (!loadwait_up && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait (&loadwait_cond, &loadwait_lock, &deadline);
    pthread_mutex_unlock (&loadwait_lock);
}
