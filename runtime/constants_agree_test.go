package runtime

import (
	"testing"

	"github.com/fluxgo/fluxgo/runtime/internal/transport"
	"github.com/fluxgo/fluxgo/runtime/reactor"
)

// The subpackages below the handle core cannot import its generated
// constants, so they name the flux-core values they need themselves; they
// must agree with the generated ones.
func TestSubpackageConstantsAgree(t *testing.T) {
	ints := map[string][2]int{
		"PollIn":            {PollIn, reactor.PollIn},
		"PollOut":           {PollOut, reactor.PollOut},
		"PollErr":           {PollErr, reactor.PollErr},
		"ReactorNowait":     {ReactorNowait, reactor.Nowait},
		"ReactorOnce":       {ReactorOnce, reactor.Once},
		"ONonblock":         {ONonblock, transport.ONonblock},
		"transport PollIn":  {PollIn, transport.PollIn},
		"transport PollOut": {PollOut, transport.PollOut},
		"transport PollErr": {PollErr, transport.PollErr},
	}
	for name, p := range ints {
		if p[0] != p[1] {
			t.Errorf("%s: runtime %d, subpackage %d", name, p[0], p[1])
		}
	}
	strs := map[string][2]string{
		"OptTestingUserid":   {OptTestingUserid, transport.OptTestingUserid},
		"OptTestingRolemask": {OptTestingRolemask, transport.OptTestingRolemask},
		"OptRouterName":      {OptRouterName, transport.OptRouterName},
		"OptSendQueueCount":  {OptSendQueueCount, transport.OptSendQueueCount},
		"OptRecvQueueCount":  {OptRecvQueueCount, transport.OptRecvQueueCount},
		"OptPollfdEvents":    {OptPollfdEvents, transport.OptPollfdEvents},
	}
	for name, p := range strs {
		if p[0] != p[1] {
			t.Errorf("%s: runtime %q, transport %q", name, p[0], p[1])
		}
	}
}
