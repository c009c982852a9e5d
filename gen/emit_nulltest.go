package gen

import (
	"bytes"
	"fmt"
	"strings"
)

// PathNullTest is the generated C test of NULL object arguments.
const PathNullTest = "bindings/capi/test/zz_generated_null_test.c"

// emitNullTest writes a C test that calls every generated export once per
// handle, message or future parameter whose spec says NULL is EINVAL, with
// that argument NULL and every other argument valid, and checks the error
// return value and errno. It proves the spec's NULL contract for every
// function, including those added later. Planned functions are each
// checked for ENOSYS (emitPlannedChecks).
func emitNullTest(m *Model) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("%s\n", CGeneratedHeader)
	w("/* Every function given a NULL handle, message or future where the spec\n")
	w(" * says that is EINVAL: it must return its error value and set errno. */\n\n")
	w("#include <errno.h>\n#include <string.h>\n#include <flux/core.h>\n#include \"tap.h\"\n\n")
	w("static void noop_free (void *arg)\n{\n    (void)arg;\n}\n\n")
	w("static void noop_watcher (flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg)\n{\n    (void)r;\n    (void)w;\n    (void)revents;\n    (void)arg;\n}\n\n")
	w("static void noop_handler (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)\n{\n    (void)h;\n    (void)mh;\n    (void)msg;\n    (void)arg;\n}\n\n")
	w("static void noop_continuation (flux_future_t *f, void *arg)\n{\n    (void)f;\n    (void)arg;\n}\n\n")
	w("static void noop_init (flux_future_t *f, void *arg)\n{\n    (void)f;\n    (void)arg;\n}\n\n")
	w("int main (void)\n{\n")
	w("    flux_t *h = flux_open (\"loop://\", 0);\n")
	w("    flux_msg_t *msg = flux_msg_create (FLUX_MSGTYPE_REQUEST);\n")
	w("    flux_future_t *fut = flux_rpc (h, \"null.test\", NULL, FLUX_NODEID_ANY, FLUX_RPC_NORESPONSE);\n")
	w("    flux_error_t error;\n    flux_msgcounters_t mcs;\n    char buf[64];\n")
	w("    const char *str;\n    const void *ptr;\n    size_t size;\n    int ival;\n    uint32_t u32;\n    double dval;\n")
	w("    flux_msg_t *take = NULL;\n")
	w("    flux_reactor_t *r = flux_reactor_create (0);\n")
	w("    flux_watcher_t *wat = flux_idle_watcher_create (r, noop_watcher, NULL);\n")
	w("    flux_msg_handler_t *mh = flux_msg_handler_create (h, FLUX_MATCH_ANY, noop_handler, NULL);\n\n")
	w("    (void)noop_continuation;\n    (void)noop_init;\n")
	w("    (void)noop_free;\n    (void)error;\n    (void)mcs;\n    (void)buf;\n    (void)str;\n    (void)ptr;\n")
	w("    (void)size;\n    (void)ival;\n    (void)u32;\n    (void)dval;\n")
	w("    if (!ok (h && msg && fut && r && wat && mh, \"loop:// handle, message, future, reactor, watcher and handler to test with\"))\n        return done_testing ();\n")
	for _, fn := range m.Functions {
		if !fn.Implemented || fn.Internal || fn.Binding != "" {
			continue
		}
		for i, p := range fn.Params {
			if p.Null != "einval" {
				continue
			}
			switch p.Class {
			case ClassReceiver, ClassHandle, ClassMsg, ClassFuture, ClassMsgTake, ClassReactor, ClassWatcher, ClassMsgHandler:
			default:
				continue
			}
			args := nullTestArgs(fn, i)
			call := fmt.Sprintf("%s (%s)", fn.Name, strings.Join(args, ", "))
			check := "1"
			switch {
			case fn.Decl.Return == "void":
			case fn.ErrorValue == "NULL":
				check = call + " == NULL"
			case fn.ErrorValue == "false":
				check = "!" + call
			default:
				check = fmt.Sprintf("%s == %s", call, fn.ErrorValue)
			}
			w("    errno = 0;\n")
			if fn.Decl.Return == "void" {
				w("    %s;\n", call)
			}
			w("    ok (%s && errno == EINVAL, \"%s with NULL %s fails with EINVAL\");\n", check, fn.Name, p.Name)
		}
	}
	emitPlannedChecks(w, m)
	w("    flux_msg_handler_destroy (mh);\n    flux_watcher_destroy (wat);\n    flux_reactor_destroy (r);\n")
	w("    flux_future_destroy (fut);\n    flux_msg_destroy (msg);\n    flux_msg_destroy (take);\n    flux_close (h);\n")
	w("    return done_testing ();\n}\n")
	return b.Bytes()
}

// emitPlannedChecks calls every planned function (deprecated ones and
// those taking a va_list aside) with NULL and zero arguments: it must
// return its error value with errno ENOSYS and, given a flux_error_t,
// say that it is not implemented.
func emitPlannedChecks(w func(string, ...any), m *Model) {
	for _, fn := range m.Functions {
		if !fn.Planned() || fn.Deprecated || fn.ExportOnly {
			continue
		}
		var args []string
		errbuf, skip := false, false
		for _, p := range fn.Decl.Params {
			switch {
			case p.Type == "...":
			case p.Type == "va_list":
				skip = true
			case p.Type == "flux_error_t *" || p.Type == "flux_jobspec1_error_t *":
				args = append(args, "&error")
				errbuf = true
			case strings.HasSuffix(p.Type, "*") || strings.HasSuffix(p.Type, "_f"):
				args = append(args, "NULL")
			default:
				args = append(args, "0")
			}
		}
		if skip {
			continue
		}
		call := fmt.Sprintf("%s (%s)", fn.Name, strings.Join(args, ", "))
		check := "errno == ENOSYS"
		if fn.Decl.Return != "void" {
			check = fmt.Sprintf("%s == %s && %s", call, fn.ErrorValue, check)
		}
		if errbuf {
			check += " && strstr (error.text, \"not implemented\") != NULL"
			w("    memset (&error, 0, sizeof (error));\n")
		}
		w("    errno = 0;\n")
		if fn.Decl.Return == "void" {
			w("    %s;\n", call)
		}
		w("    ok (%s, \"%s (planned) fails with ENOSYS\");\n", check, fn.Name)
	}
}

// nullTestArgs builds the argument list of fn with parameter null NULL
// and valid values elsewhere.
func nullTestArgs(fn *FuncModel, null int) []string {
	var args []string
	for i, p := range fn.Params {
		if i == null {
			args = append(args, "NULL")
			continue
		}
		base := NonConst(p.Type)
		var a string
		switch p.Class {
		case ClassReceiver, ClassHandle, ClassMsg, ClassFuture, ClassReactor, ClassWatcher, ClassMsgHandler:
			a = map[string]string{"flux_t *": "h", "flux_msg_t *": "msg", "flux_future_t *": "fut",
				"flux_reactor_t *": "r", "flux_watcher_t *": "wat", "flux_msg_handler_t *": "mh"}[base]
		case ClassWatcherFunc:
			a = "noop_watcher"
		case ClassMsgHandlerFunc:
			a = "noop_handler"
		case ClassContinuation:
			a = "noop_continuation"
		case ClassFutureInit:
			a = "noop_init"
		case ClassLogFunc:
			a = "NULL"
		case ClassMsgTake:
			a = "&take"
		case ClassMatch:
			a = "FLUX_MATCH_ANY"
		case ClassString:
			a = "\"x\""
		case ClassStringPayload, ClassPointer, ClassCommsErrorFunc:
			a = "NULL"
		case ClassFreeFunc:
			a = "noop_free"
		case ClassBytesIn:
			a = "\"x\""
		case ClassBytesOut:
			a = "buf"
		case ClassErrorBuf:
			a = "&error"
		case ClassOutString:
			a = "&str"
		case ClassOutAny, ClassOutBytes:
			a = "&ptr"
		case ClassOutCounters:
			a = "&mcs"
		case ClassOut:
			a = map[string]string{"int *": "&ival", "uint32_t *": "&u32", "double *": "&dval", "size_t *": "&size"}[p.Type]
		case ClassLength:
			switch p.Type {
			case "size_t", "int":
				if fn.Params[i-1].Class == ClassBytesOut {
					a = "sizeof (buf)"
				} else {
					a = "1"
				}
			case "size_t *":
				a = "&size"
			case "int *":
				a = "&ival"
			default:
				a = "NULL" // the arg of a callback
			}
		case ClassScalar:
			switch p.Type {
			case "double":
				a = "0.0"
			case "bool":
				a = "false"
			default:
				a = "0"
			}
		default:
			a = "0"
		}
		args = append(args, a)
	}
	return args
}
