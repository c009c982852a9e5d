package runtime_test

import (
	"strconv"
	"testing"

	"github.com/fluxgo/fluxgo/internal/brokertest"
	fluxrt "github.com/fluxgo/fluxgo/runtime"
	"github.com/fluxgo/fluxgo/runtime/msg"
)

// BenchmarkReactorRPCWindow is rpc_pipeline -a in Go: a window of K
// broker.ping RPCs kept in flight with reactor continuations against the
// stand-in broker (the path C programs take with flux_future_then).
func BenchmarkReactorRPCWindow(b *testing.B) {
	for _, k := range []int{1, 10, 100} {
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			br := brokertest.Start(b)
			uri := br.URI()
			h, err := fluxrt.Open(&uri, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			r, err := h.GetReactor()
			if err != nil {
				b.Fatal(err)
			}
			payload := []byte("{\"seq\":1}\x00")
			issued, completed, total := 0, 0, b.N
			var cb func(*fluxrt.Future)
			issue := func() {
				f, err := h.RPC("broker.ping", payload, msg.NodeIDAny, 0)
				if err != nil {
					b.Fatal(err)
				}
				issued++
				if err := f.ThenReactor(-1, cb); err != nil {
					b.Fatal(err)
				}
			}
			cb = func(f *fluxrt.Future) {
				if _, err := f.Get(); err != nil {
					b.Error(err)
				}
				f.Destroy()
				completed++
				if issued < total {
					issue()
				} else if completed == total {
					r.Stop()
				}
			}
			b.ResetTimer()
			for i := 0; i < k && issued < total; i++ {
				issue()
			}
			if _, err := r.Run(0); err != nil {
				b.Fatal(err)
			}
		})
	}
}
