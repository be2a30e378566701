package chartfmt

import (
	"reflect"
	"testing"
)

func TestCoalesceNullsGlobalsAndSubcharts(t *testing.T) {
	sub := &Chart{Metadata: &Metadata{Name: "sub"}, Values: map[string]any{
		"x": "sub-default", "gone": "sub-default", "global": map[string]any{"g": "sub"},
	}}
	root := &Chart{Metadata: &Metadata{Name: "root"}, Values: map[string]any{
		"a":      map[string]any{"keep": 1.0, "drop": "d", "nilDefault": nil},
		"top":    "t",
		"global": map[string]any{"g": "root", "r": "r"},
		"sub":    map[string]any{"x": "from-parent"},
	}}
	root.AddDependency(sub)
	user := map[string]any{
		"top": nil,
		"a":   map[string]any{"drop": nil, "nilDefault": nil},
		"sub": map[string]any{"gone": nil},
	}
	got, err := CoalesceValues(root, user)
	if err != nil {
		t.Fatal(err)
	}
	want := Values{
		"a":      map[string]any{"keep": 1.0, "nilDefault": nil},
		"global": map[string]any{"g": "root", "r": "r"},
		"sub": map[string]any{
			"x":      "from-parent",
			"global": map[string]any{"g": "root", "r": "r"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	if _, ok := user["a"].(map[string]any)["drop"]; !ok {
		t.Fatal("the user's values were modified")
	}
}
