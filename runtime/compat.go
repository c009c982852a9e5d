package runtime

// Former names, kept while code written against them is merged.

// Dispatcher is the former name of RecvLoop.
//
// Deprecated: use RecvLoop.
type Dispatcher = RecvLoop

// DispatcherStart is the former name of RecvLoopStart.
//
// Deprecated: use RecvLoopStart.
func (h *Handle) DispatcherStart() (*RecvLoop, error) { return h.RecvLoopStart() }

// Dispatcher is the former name of RecvLoop.
//
// Deprecated: use Handle.RecvLoop.
func (h *Handle) Dispatcher() *RecvLoop { return h.RecvLoop() }
