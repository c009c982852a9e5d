package main

import "testing"

// TestScheduleServicesProgramMajor checks that every kvs_ops round comes
// before the first job_submit, and that the core section goes round by
// round.
func TestScheduleServicesProgramMajor(t *testing.T) {
	progs := programs("services", true)
	steps := schedule("services", 3, progs)
	if len(steps) != 3*len(progs) {
		t.Fatalf("services: %d steps, want %d", len(steps), 3*len(progs))
	}
	for i, st := range steps {
		if want := progs[i/3].prog; st.inv.prog != want || st.round != i%3 {
			t.Errorf("services step %d: %s round %d, want %s round %d", i, st.inv.prog, st.round, want, i%3)
		}
	}
	core := programs("core", true)
	steps = schedule("core", 2, core)
	for i, st := range steps {
		if want := core[i%len(core)]; st.round != i/len(core) || st.inv.prog != want.prog {
			t.Errorf("core step %d: %s round %d, want %s round %d", i, st.inv.prog, st.round, want.prog, i/len(core))
		}
	}
}
