package kvs

// Compact merges the appends to each key into one operation, as the
// TxnCompact commit flag does: the first append to a key takes the
// concatenation of all of that key's appended data and the later appends
// are dropped. A key appended to and then set or unlinked is EINVAL, and
// t is left unchanged.
func (t *Txn) Compact() error {
	if t == nil {
		return inval()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.ops) < 2 {
		return nil
	}
	type pending struct {
		index int      // of the first append in the new list
		parts [][]byte // appended data, in order
		total int
	}
	appends := map[string]*pending{}
	var order []*pending
	out := make([]Op, 0, len(t.ops))
	for _, op := range t.ops {
		p := appends[op.Key]
		if p == nil && op.Flags != Append {
			out = append(out, op)
			continue
		}
		if p != nil && op.Flags != Append {
			return inval()
		}
		data, err := op.Dirent.DecodeVal()
		if err != nil {
			return err
		}
		if p == nil {
			p = &pending{index: len(out)}
			appends[op.Key] = p
			order = append(order, p)
			out = append(out, op)
		}
		p.parts = append(p.parts, data)
		p.total += len(data)
	}
	for _, p := range order {
		if len(p.parts) == 1 || p.total == 0 {
			continue
		}
		buf := make([]byte, 0, p.total)
		for _, d := range p.parts {
			buf = append(buf, d...)
		}
		out[p.index].Dirent = NewVal(buf)
	}
	t.ops = out
	return nil
}
