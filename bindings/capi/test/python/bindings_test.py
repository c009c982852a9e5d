"""flux-core's Python bindings on our library.

Run inside a full flux-core instance with LD_LIBRARY_PATH (and
FLUXGO_LIBDIR) naming the directory of the libflux-core.so.2 to use, ours
or flux-core's, and PYTHONPATH flux-core's site-packages (run.sh does
that). Prints TAP; exits non-zero if a check fails.
"""
import ctypes
import os
import sys

import flux
import flux.constants
import flux.job
from flux.job import JobspecV1

results = []


def ok(cond, name):
    results.append(bool(cond))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name), flush=True)


def loaded_library():
    """Path of the libflux-core.so.2 this process loaded."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "/libflux-core.so.2" in line:
                return line.split()[-1]
    return None


h = flux.Flux()
lib = loaded_library()
want = os.path.join(os.environ["FLUXGO_LIBDIR"], "libflux-core.so.2")
ok(lib and os.path.realpath(lib) == os.path.realpath(want), "the bindings loaded the library in FLUXGO_LIBDIR (%s)" % lib)

ok(h.attr_get("rank") == "0", "attr_get('rank') is 0")
ok(int(h.attr_get("size")) >= 1, "attr_get('size')")

resp = h.rpc("attr.get", {"name": "rank"}).get()
ok(resp == {"value": "0", "flags": 1} or resp.get("value") == "0", "rpc attr.get answers (%s)" % resp)
try:
    h.rpc("nosuch.topic", {}).get()
    ok(False, "rpc to an unknown service fails")
except OSError as e:
    ok(e.errno == 38, "rpc to an unknown service fails with ENOSYS (%s)" % e)

h.event_subscribe("pytest.ev")
h.event_send("pytest.ev", {"n": 42})
ev = h.event_recv()
ok(ev.topic == "pytest.ev" and ev.payload == {"n": 42}, "event_subscribe/event_send/event_recv (%s)" % ev.topic)
h.event_unsubscribe("pytest.ev")

# A message handler on the reactor, answering a service this handle registers.
served = []


def on_request(handle, typemask, msg, arg):
    served.append(msg.topic)
    handle.respond(msg, {"echo": msg.payload})


h.service_register("pysvc").get()
mh = h.msg_watcher_create(on_request, flux.constants.FLUX_MSGTYPE_REQUEST, "pysvc.*")
mh.start()
replies = []
fut = h.rpc("pysvc.hello", {"x": 1})
fut.then(lambda f: (replies.append(f.get()), f.get_flux().reactor_stop()))
h.reactor_run()
ok(served == ["pysvc.hello"] and replies == [{"echo": {"x": 1}}], "a message handler serves a request (%s)" % replies)
mh.stop()
h.service_unregister("pysvc").get()

# A timer watcher on the reactor.
fired = []


def on_timer(handle, watcher, revents, arg):
    fired.append(revents)
    handle.reactor_stop()


tw = h.timer_watcher_create(0.05, on_timer)
tw.start()
h.reactor_run()
ok(len(fired) == 1, "a timer watcher fires once")

# Jobs: flux.job submit, event_watch, wait, result.
spec = JobspecV1.from_command(["sh", "-c", "exit 3"])
jobid = flux.job.submit(h, spec, waitable=True)
ok(int(jobid) > 0, "flux.job.submit returns an id (%s)" % jobid.f58)
names = [ev.name for ev in flux.job.event_watch(h, jobid)]
ok(names[0] == "submit" and names[-1] == "clean", "event_watch from submit to clean (%s)" % ",".join(names))
status = flux.job.wait(h, jobid)
errstr = status.errstr.decode() if isinstance(status.errstr, bytes) else status.errstr
ok(not status.success and "exit" in errstr, "wait reports the failure (%s)" % errstr)
info = flux.job.result(h, jobid)
ok(info.returncode == 3, "result: exit code 3 (%d)" % info.returncode)
ok(flux.job.JobID(jobid.f58) == jobid, "JobID round-trips through f58")

print("1..%d" % len(results))
print("# %d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
