package chartfmt

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

var jsonToYAMLStrings = []string{
	"", "<<", "a", "yes", "no", "on", "null", "~", "1", "0x1F", "1e3", ".inf", "  x", "x  ", "a: b", "- x", "#c", "&a", "*a",
	"!t", "%", "@", "`", "'", "\"", "\\", "\t", "\n", "a\nb", "\r\n", "\b\f", "\x00", "\x1f", "\x7f", "\u0080", "\u0085",
	"\u00a0", "\ufeff", "a\ufeffb", "\u2028", "\u2029", "\ud7ff", "\ue000", "\ufffd", "\ufffe", "\uffff", "\U0001F600",
	"\xff", "a\xffb", "\xef\xbf", "<>&", "2024-01-02", "1_000", "0b101", "+1", "-", "?", ":", "{a}", "[a]", "é",
	strings.Repeat("long ", 40),
}

var jsonToYAMLNumbers = []any{
	0, 1, -1, math.MaxInt64, math.MinInt64, int64(math.MaxInt64), int64(math.MinInt64), int64(-7),
	0.0, math.Copysign(0, -1), 0.5, -1.5, 3.0, 1e6, 1e20, 1e21, 1e-6, 1e-7, 1.5e300, -1e308, 5e-324,
	12345678901234567890.0, 9223372036854775807.0, 18446744073709551615.0, 1.8446744073709552e19, 9007199254740993.0,
	float32(1.5), uint64(7), int32(3), json.Number("12"),
}

// checkJSONToYAML compares jsonToYAML with sigs.k8s.io/yaml.JSONToYAML
// (what Helm's toYaml ends with) on v's JSON encoding.
func checkJSONToYAML(t *testing.T, name string, v any) {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		return // toYaml gives "" before either runs
	}
	got, gotErr := jsonToYAML(v, js)
	want, wantErr := yaml.JSONToYAML(js)
	if string(got) != string(want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("%s: jsonToYAML = %.300q, %v; sigs.k8s.io/yaml gives %.300q, %v", name, got, gotErr, want, wantErr)
	}
}

// checkJSONToYAMLTree checks v and every value inside it.
func checkJSONToYAMLTree(t *testing.T, name string, v any) {
	t.Helper()
	checkJSONToYAML(t, name, v)
	switch c := v.(type) {
	case map[string]any:
		for k, e := range c {
			checkJSONToYAMLTree(t, name+"."+k, e)
		}
	case []any:
		for i, e := range c {
			checkJSONToYAMLTree(t, fmt.Sprintf("%s[%d]", name, i), e)
		}
	}
}

// jsonToYAML agrees with sigs.k8s.io/yaml.JSONToYAML on edge cases and on
// every value (and every value inside it) of every YAML file of the shared
// charts.
func TestJSONToYAMLMatchesSigsYAML(t *testing.T) {
	var cases []any
	for _, s := range jsonToYAMLStrings {
		cases = append(cases, s, map[string]any{s: s}, []any{s, map[string]any{"k": s}})
	}
	for _, n := range jsonToYAMLNumbers {
		cases = append(cases, n, map[string]any{"n": n}, []any{n})
	}
	cases = append(cases, nil, true, false, map[string]any(nil), []any(nil), map[string]any{}, []any{},
		map[string]any{"a": nil, "b": []any{nil, map[string]any{}}}, []string{"a"}, map[string]string{"a": "b"},
		Values{"a": 1}, map[string]any{"v": Values{"a": 1}}, map[string]any{"1": 1, "10": 2, "2": 3, "a": 4, "B": 5},
		deepList(1200), map[string]any{"x": math.NaN()})
	for i, c := range cases {
		checkJSONToYAML(t, fmt.Sprintf("case %d %#v", i, c), c)
	}
	files := 0
	err := filepath.WalkDir(sharedChartsDir(t), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var vals map[string]any
		if yaml.Unmarshal(data, &vals) != nil {
			return nil
		}
		files++
		checkJSONToYAMLTree(t, path, vals)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d YAML files in the shared charts parse", files)
	}
}

func deepList(n int) any {
	var v any = "leaf"
	for range n {
		v = []any{v}
	}
	return v
}

func FuzzJSONToYAML(f *testing.F) {
	for _, s := range jsonToYAMLStrings {
		f.Add(s, 1.5, int64(3), "a: 1\nb: [x, 2.5]\n")
	}
	for _, c := range yamlMapCases {
		f.Add("k", 0.0, int64(0), c)
	}
	f.Fuzz(func(t *testing.T, s string, x float64, i int64, doc string) {
		checkJSONToYAML(t, "values", map[string]any{s: []any{s, x, i, int(i)}, "m": map[string]any{"s": s}})
		var vals map[string]any
		if unmarshalYAMLMap([]byte(doc), &vals) == nil {
			// The whole and each top-level value: the full tree would cost
			// quadratic time on deeply nested seeds.
			checkJSONToYAML(t, "doc", vals)
			for k, e := range vals {
				checkJSONToYAML(t, "doc."+k, e)
			}
		}
	})
}
