package broker

import "testing"

// TestJanssonDump checks the dump format against outputs of a real 0.88
// broker's broker.ping (jansson, default flags).
func TestJanssonDump(t *testing.T) {
	cases := []struct{ in, spaced string }{
		{`{"a":[1,2,{"b":null,"c":{}}],"c":1.5}`, `{"a": [1, 2, {"b": null, "c": {}}], "c": 1.5}`},
		{`{"f":1e300,"g":1.0,"h":[],"i":-0,"j":1E2}`, `{"f": 1.0000000000000001e300, "g": 1.0, "h": [], "i": 0, "j": 100.0}`},
		{`{"k":0.1,"l":123456789012345678,"m":1e-7}`, `{"k": 0.10000000000000001, "l": 123456789012345678, "m": 9.9999999999999995e-8}`},
		{`{"d":"x/y\u00e9\n\u0001\t"}`, "{\"d\": \"x/y\u00e9\\n\\u0001\\t\"}"},
		{`{"e":"\u001f"}`, `{"e": "\u001F"}`},
		{`{"a":1,"b":2,"a":3}`, `{"a": 3, "b": 2}`},
	}
	for _, tc := range cases {
		v, err := parseJSON([]byte(tc.in), false)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := string(appendJSON(nil, v, true)); got != tc.spaced {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.spaced)
		}
	}
	for _, bad := range []string{`5`, `null`, `"s"`, ``, `{"a":1} x`, `{"a":"\u0000"}`, `{"a":99999999999999999999}`, "{\"a\":\"\xff\"}"} {
		if _, err := parseJSON([]byte(bad), false); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
