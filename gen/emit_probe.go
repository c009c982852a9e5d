package gen

import (
	"bytes"
	"fmt"
	"strings"
)

// PathProbe is the generated C program that prints every constant and
// the size of every struct and scalar type of the spec.
const PathProbe = "bindings/capi/test/probe/zz_generated_probe.c"

// emitProbe writes a C program that prints, one per line, the value of
// every enum, define and string constant and the size of every struct,
// enumeration and scalar typedef the spec declares. Compiled once against
// flux-core's headers and once against ours (make check-headers), its two
// outputs must be identical: the values and layouts are flux-core's.
func emitProbe(m *Model) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("%s\n", CGeneratedHeader)
	w("/* Prints every constant and type size of the spec, to compare the\n")
	w(" * headers it is compiled against with flux-core's. */\n\n")
	w("#include <stdio.h>\n#include <flux/core.h>\n\nint main (void)\n{\n")
	for _, g := range m.Groups {
		for _, c := range g.Members {
			switch {
			case g.Kind == "macro" || strings.Contains(c.Name, "(") || strings.Contains(c.Str, "flux_match_init") || strings.HasPrefix(c.Str, "{"):
				continue // function-like, or not a value
			case g.Kind == "string":
				w("    printf (\"%%s %%s\\n\", \"%s\", %s);\n", c.Name, c.Name)
			default:
				w("    printf (\"%%s %%llu\\n\", \"%s\", (unsigned long long)(%s));\n", c.Name, c.Name)
			}
		}
		if g.Typedef != "" {
			w("    printf (\"sizeof %s %%zu\\n\", sizeof (%s));\n", g.Typedef, g.Typedef)
		}
	}
	for _, t := range m.Types {
		if t.Kind == "struct" || (t.Kind == "typedef" && !strings.Contains(t.C, "(")) {
			w("    printf (\"sizeof %s %%zu\\n\", sizeof (%s));\n", t.Name, t.Name)
		}
	}
	w("    return 0;\n}\n")
	return b.Bytes()
}
