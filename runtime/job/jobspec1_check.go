package job

// The checks of flux_jobspec1_check and flux_jobspec1_attr_check, with
// flux-core's texts. Each returns an EINVAL *runtime.Error whose text is
// what flux-core writes to its flux_jobspec1_error_t.

// Check validates the whole jobspec (flux_jobspec1_check).
func (js *Jobspec) Check() error {
	if js == nil {
		return jsErr("jobspec cannot be NULL")
	}
	o, text := unpackObject(js.obj, []field{
		{"resources", 'o', false}, {"tasks", 'o', false},
		{"attributes", 'o', false}, {"version", 'i', false},
	}, true)
	if text != "" {
		return jsErr("jobspec object: %s", text)
	}
	version, _ := o.Get("version")
	if v, _ := isInteger(version); int32(v) != 1 {
		return jsErr("only version 1 jobspec is supported")
	}
	res, _ := o.Get("resources")
	if err := checkResources(res); err != nil {
		return err
	}
	tasks, _ := o.Get("tasks")
	if err := checkTasks(tasks); err != nil {
		return err
	}
	return js.AttrCheck()
}

// checkTasks checks the tasks section.
func checkTasks(tasks any) error {
	first, text := unpackFirst(tasks)
	var t *Object
	if text == "" {
		t, text = unpackObject(first, []field{{"command", 'o', false}, {"slot", 's', false}, {"count", 'o', false}}, true)
	}
	if text != "" {
		return jsErr("tasks section: %s", text)
	}
	cmdv, _ := t.Get("command")
	cmd, ok := cmdv.([]any)
	if !ok {
		return jsErr("tasks command must be an array")
	}
	if len(cmd) < 1 {
		return jsErr("tasks command array length must be >= 1")
	}
	for _, a := range cmd {
		if _, ok := a.(string); !ok {
			return jsErr("tasks command array entry must be a string")
		}
	}
	countv, _ := t.Get("count")
	count, _ := countv.(*Object)
	if count.Len() != 1 {
		return jsErr("tasks count must have exactly one key set")
	}
	if v, ok := count.Get("per_slot"); ok && isInt(v) {
		if n, _ := isInteger(v); int32(n) < 1 {
			return jsErr("tasks per_slot count must be >= 1")
		}
	} else if v, ok := count.Get("total"); ok && isInt(v) {
		if n, _ := isInteger(v); int32(n) < 1 {
			return jsErr("tasks total count must be >= 1")
		}
	} else {
		return jsErr("tasks count object is malformed")
	}
	return nil
}

// isInt reports whether v is a JSON integer.
func isInt(v any) bool {
	_, ok := isInteger(v)
	return ok
}

// checkResources checks the resources section: one node or slot vertex.
func checkResources(res any) error {
	vertex, text := unpackFirst(res)
	if text != "" {
		return jsErr("resources section: %s", text)
	}
	v, text := unpackObject(vertex, []field{{"type", 's', false}}, false)
	if text != "" {
		return jsErr("resource vertex: %s", text)
	}
	typ, _ := v.Get("type")
	switch typ {
	case "node":
		return checkNode(v)
	case "slot":
		return checkSlot(v)
	}
	return jsErr("unknown resource vertex type")
}

// checkNode checks a node vertex with one slot under it.
func checkNode(node any) error {
	o, text := unpackObject(node, []field{
		{"type", 's', false}, {"count", 'i', false}, {"with", 'o', false}, {"unit", 's', true},
	}, true)
	if text != "" {
		return jsErr("node vertex: %s", text)
	}
	if n, _ := isInteger(mustGet(o, "count")); int32(n) < 1 {
		return jsErr("node count must be >= 1")
	}
	with, ok := mustGet(o, "with").([]any)
	if !ok {
		return jsErr("node with must be an array")
	}
	if len(with) != 1 {
		return jsErr("node with array must have 1 elements")
	}
	return checkSlot(with[0])
}

// checkSlot checks a slot vertex of cores and optionally gpus.
func checkSlot(slot any) error {
	o, text := unpackObject(slot, []field{
		{"type", 's', false}, {"count", 'i', false}, {"with", 'o', false},
		{"label", 's', false}, {"exclusive", 'b', true},
	}, true)
	if text != "" {
		return jsErr("slot vertex: %s", text)
	}
	if n, _ := isInteger(mustGet(o, "count")); int32(n) < 1 {
		return jsErr("slot count must be >= 1")
	}
	with, ok := mustGet(o, "with").([]any)
	if !ok {
		return jsErr("slot with must be an array")
	}
	if len(with) != 1 && len(with) != 2 {
		return jsErr("slot with array must have 1-2 elements")
	}
	for _, w := range with {
		r, text := unpackObject(w, []field{{"type", 's', false}, {"count", 'i', false}}, true)
		if text != "" {
			return jsErr("slot with: %s", text)
		}
		typ := mustGet(r, "type").(string)
		if typ != "core" && typ != "gpu" {
			return jsErr("slot with type must be core or gpu")
		}
		min := int32(0)
		if typ == "core" {
			min = 1
		}
		if n, _ := isInteger(mustGet(r, "count")); int32(n) < min {
			return jsErr("slot %s count must be >= %d", typ, min)
		}
	}
	return nil
}

// mustGet returns a key known to be present.
func mustGet(o *Object, key string) any {
	v, _ := o.Get(key)
	return v
}

// AttrCheck validates only the attributes section
// (flux_jobspec1_attr_check).
func (js *Jobspec) AttrCheck() error {
	if js == nil {
		return jsErr("jobspec must not be NULL")
	}
	av, ok := js.obj.Get("attributes")
	if !ok {
		return jsErr("attributes must exist")
	}
	attrs, ok := av.(*Object)
	if !ok {
		return jsErr("attributes must be an object")
	}
	hasSystem := false
	for _, key := range attrs.keys {
		val := attrs.vals[key]
		switch key {
		case "user":
			if o, _ := val.(*Object); o.Len() == 0 {
				return jsErr("if present, attributes.user must contain values")
			}
		case "system":
			o, _ := val.(*Object)
			if o.Len() == 0 {
				return jsErr("if present, attributes.system must contain values")
			}
			if err := checkSystem(o); err != nil {
				return err
			}
			hasSystem = true
		default:
			return jsErr("unknown attributes section %s", key)
		}
	}
	if !hasSystem {
		return jsErr("attributes.system is required")
	}
	return nil
}

// checkSystem checks attributes.system.
func checkSystem(o *Object) error {
	hasDuration := false
	for _, key := range o.keys {
		val := o.vals[key]
		switch key {
		case "duration":
			if !isNumber(val) {
				return jsErr("attributes.system.duration must be a number")
			}
			hasDuration = true
		case "environment":
			if _, ok := val.(*Object); !ok {
				return jsErr("attributes.system.environment must be a dictionary")
			}
		case "constraints":
			if _, ok := val.(*Object); !ok {
				return jsErr("attributes.system.constraints must be a dictionary")
			}
		case "dependencies":
			deps, ok := val.([]any)
			if !ok {
				return jsErr("attributes.system.dependencies must be an array")
			}
			for _, d := range deps {
				do, ok := d.(*Object)
				if !ok {
					return jsErr("attributes.system.dependencies elements must be an object")
				}
				s, _ := do.Get("scheme")
				v, _ := do.Get("value")
				_, sok := s.(string)
				_, vok := v.(string)
				if !sok || !vok {
					return jsErr("attributes.system.dependencies elements must contain scheme and value strings")
				}
			}
		case "shell":
			if sh, ok := val.(*Object); ok {
				if opt, ok := sh.Get("options"); ok {
					if _, ok := opt.(*Object); !ok {
						return jsErr("attributes.shell.options must be a dictionary")
					}
				}
			}
		}
	}
	if !hasDuration {
		return jsErr("attributes.system.duration is required")
	}
	return nil
}
