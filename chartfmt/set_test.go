package chartfmt

import (
	"reflect"
	"testing"
)

func TestParseSetTypesAndNesting(t *testing.T) {
	got := map[string]any{}
	if err := ParseSet(`a.b=1,c={x,true},d[1]=null,e\.f=007,g=`, got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"a":   map[string]any{"b": int64(1)},
		"c":   []any{"x", true},
		"d":   []any{nil, nil},
		"e.f": "007",
		"g":   "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestParseSetErrors(t *testing.T) {
	for _, in := range []string{"a", "a,b=1", "a[x]=1", "a[-1]=1", "a={b", "a=1,a.b=2", "a[70000]=1"} {
		if err := ParseSet(in, map[string]any{}); err == nil {
			t.Errorf("ParseSet(%q): want an error", in)
		}
	}
}

func TestParseSetLiteralKeepsEverything(t *testing.T) {
	got := map[string]any{}
	if err := ParseSetLiteral(`a.b=x,y\z={1}`, got); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": map[string]any{"b": `x,y\z={1}`}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

// FuzzParseSet checks the --set parsers never panic or loop, whatever the
// input, and that a successful parse is deterministic.
func FuzzParseSet(f *testing.F) {
	for _, s := range []string{
		"a=b", "a.b.c=d,e=f", `a\.b=c\,d`, "a={b,c}", "a[0]=x,a[3].b=y", "a[0][1]=z", "a=null,b=true,c=007",
		`j={"a":[1,2]}`, "a[", "a]=", "=", ",", "a..b=1", "a[99999999999999999999]=1", "a={", `\`, "ü=ß",
		"a=1,a.b=2", "a[0]=1,a.b=2", "a.b=1,a[0]=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parsers := map[string]func(string, map[string]any) error{
			"set": ParseSet, "string": ParseSetString, "json": ParseSetJSON, "literal": ParseSetLiteral,
			"file": func(s string, m map[string]any) error {
				return ParseSetFile(s, m, func(p string) (any, error) { return p, nil })
			},
		}
		for name, parse := range parsers {
			a, b := map[string]any{}, map[string]any{}
			errA, errB := parse(s, a), parse(s, b)
			if (errA == nil) != (errB == nil) || (errA == nil && !reflect.DeepEqual(a, b)) {
				t.Fatalf("%s parser not deterministic on %q", name, s)
			}
		}
	})
}
