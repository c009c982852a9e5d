package gen

import "strings"

// The C type tables of the generator, in one place: which C types the
// export layer converts and how. Adding a C type to the API usually
// starts here.

// objectKinds lists the opaque objects the C ABI knows.
var objectKinds = []ObjectKind{
	{"flux_t *", "*Handle", "Handle", ClassHandle, "lookupHandle", "registerHandle"},
	{"flux_msg_t *", "*msg.Message", "msg.Message", ClassMsg, "lookupMsg", "registerMsg"},
	{"flux_future_t *", "*Future", "Future", ClassFuture, "lookupFuture", "registerFuture"},
	{"flux_reactor_t *", "*Reactor", "Reactor", ClassReactor, "lookupReactor", "registerReactor"},
	{"flux_watcher_t *", "*Watcher", "Watcher", ClassWatcher, "lookupWatcher", "registerWatcher"},
	{"flux_msg_handler_t *", "*MsgHandler", "MsgHandler", ClassMsgHandler, "lookupMsgHandler", "registerMsgHandler"},
	{"flux_conf_t *", "*Conf", "Conf", ClassConf, "lookupConf", "registerConf"},
}

// callbackClasses maps C callback types that are followed by their void
// *arg to their parameter class.
var callbackClasses = map[string]ParamClass{
	"flux_comms_error_f":  ClassCommsErrorFunc,
	"flux_watcher_f":      ClassWatcherFunc,
	"flux_msg_handler_f":  ClassMsgHandlerFunc,
	"flux_continuation_f": ClassContinuation,
	"flux_future_init_f":  ClassFutureInit,
	"flux_log_f":          ClassLogFunc,
}

// callbackWrappers names the export-layer function that wraps a C callback
// and its arg as the runtime's Go function type.
var callbackWrappers = map[ParamClass]string{
	ClassCommsErrorFunc: "commsErrorFunc",
	ClassWatcherFunc:    "watcherFunc",
	ClassMsgHandlerFunc: "msgHandlerFunc",
	ClassContinuation:   "continuationFunc",
	ClassFutureInit:     "futureInitFunc",
	ClassLogFunc:        "logFunc",
}

// scalarTypes maps C scalar types to their Go types.
var scalarTypes = map[string]string{
	"int":      "int",
	"uint32_t": "uint32",
	"int64_t":  "int64",
	"double":   "float64",
	"bool":     "bool",
	"size_t":   "int",
	"ssize_t":  "int",
}

// cgoScalar maps C scalar types to their cgo spelling.
var cgoScalar = map[string]string{
	"int": "int", "uint32_t": "uint32_t", "int64_t": "int64_t",
	"double": "double", "bool": "bool", "size_t": "size_t", "ssize_t": "ssize_t",
}

// returnErrorValues is the C value an implemented function returns on
// failure, by return type (a spec's errors.returns overrides it).
var returnErrorValues = map[string]string{
	"void":                 "",
	"int":                  "-1",
	"ssize_t":              "-1",
	"flux_t *":             "NULL",
	"void *":               "NULL",
	"flux_future_t *":      "NULL",
	"double":               "0",
	"char *":               "NULL",
	"const flux_msg_t *":   "NULL",
	"struct flux_match":    "",
	"flux_reactor_t *":     "NULL",
	"flux_watcher_t *":     "NULL",
	"flux_msg_handler_t *": "NULL",
	"const flux_conf_t *":  "NULL",
	"flux_conf_t *":        "NULL",
	"flux_jobspec1_t *":    "NULL",
	"flux_kvsdir_t *":      "NULL",
	"flux_kvsitr_t *":      "NULL",
	"flux_kvs_txn_t *":     "NULL",
	"flux_plugin_t *":      "NULL",
	"flux_plugin_arg_t *":  "NULL",
	"flux_plugin_f":        "NULL",
	"uint32_t":             "0",
	"bool":                 "false",
	"flux_msg_t *":         "NULL",
	"const char *":         "NULL",
}

// plannedErrorValue is the C value a planned function returns: what
// flux-core's callers test for failure.
func plannedErrorValue(ret string) string {
	switch {
	case ret == "void":
		return ""
	case strings.HasSuffix(ret, "*") || strings.HasSuffix(ret, "_f"):
		return "NULL" // pointers and function pointers
	case ret == "bool":
		return "false"
	case ret == "double":
		return "-1."
	case strings.HasPrefix(ret, "uint") || ret == "size_t" || ret == "flux_jobid_t":
		return "0"
	case ret == "int" || ret == "ssize_t" || ret == "pid_t" || ret == "long" || strings.HasPrefix(ret, "int"):
		return "-1"
	}
	return "(" + ret + ")-1" // enumerations
}
