package msg

import "testing"

func TestCopyLeavesBindingBehind(t *testing.T) {
	m, err := New(TypeRequest)
	if err != nil {
		t.Fatal(err)
	}
	m.Binding = "token"
	for _, payload := range []bool{true, false} {
		if c := m.Copy(payload); c.Binding != nil {
			t.Fatalf("Copy(%v) carried Binding %v", payload, c.Binding)
		}
	}
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(b)
	if err != nil || d.Binding != nil {
		t.Fatalf("decoded Binding %v, %v", d.Binding, err)
	}
	if !m.Equal(d) {
		t.Fatal("Binding must not take part in Equal")
	}
}
