package chartfmt

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

var yamlMapCases = []string{
	"a: 1\nb: 1.5\nc: -0.0\nd: 1e3\ne: 0x1F\nf: 0o17\ng: 017\nh: +12\ni: 1_000\n",
	"big: 123456789012345678901234567890\nu: 18446744073709551615\ni: 9223372036854775807\nn: -9223372036854775808\n",
	"odd: 9007199254740993\nf: 0.1\ng: 1.7976931348623157e308\nh: 5e-324\ni: 1e400\n",
	"x: .inf\n", "x: -.inf\n", "x: .nan\n", "x: [.nan]\n",
	"s: \"a\\xffb\"\n", "\"\\xfe\": 1\n", "s: \"\\u2028<&>\"\n",
	"1: a\n", "1.5: a\n", "true: a\n", "~: a\n", "? [a]\n: b\n", "a:\n  1: x\n  \"1\": x\n",
	"t: 2024-01-02\nu: 2024-01-02T03:04:05Z\n", "b: !!binary aGVsbG8=\n", "s: !!str 5\nf: !!float 1\n",
	"y: yes\nn: no\non: on\noff: off\nt: True\n", "a: &x {k: v}\nb: *x\n<<: *x\n", "<<: [{a: 1}, {b: 2}]\n",
	"a: []\nb: {}\nc: null\nd: ~\ne:\nf: ''\n", "a: [1, [2, [3, {b: [4]}]]]\n",
	"a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "--- \n", "# comment\n",
	"", "~", "null", "- a\n- b\n", "5", "text", "[1, 2]", "{", "a: [", "a: b: c", "\t- x", "a:\n\t- x\n",
	strings.Repeat("[", 2000) + strings.Repeat("]", 2000), "a: " + strings.Repeat("{b: ", 1200) + "1" + strings.Repeat("}", 1200),
}

// checkYAMLMap compares unmarshalYAMLMap with sigs.k8s.io/yaml.Unmarshal
// (what Helm calls) into an empty, a nil and a filled map: values with
// their types (%#v tells float64 from int, -0 from 0, nil from empty) and
// error texts.
func checkYAMLMap(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, start := range []func() map[string]any{
		func() map[string]any { return map[string]any{} },
		func() map[string]any { return nil },
		func() map[string]any { return map[string]any{"keep": "me", "a": "old"} },
	} {
		got, want := start(), start()
		gotErr := unmarshalYAMLMap(data, &got)
		wantErr := yaml.Unmarshal(data, &want)
		if g, w := fmt.Sprintf("%#v %v", got, gotErr), fmt.Sprintf("%#v %v", want, wantErr); g != w {
			t.Errorf("%s: unmarshalYAMLMap = %.300s; sigs.k8s.io/yaml gives %.300s", name, g, w)
		}
	}
}

// unmarshalYAMLMap agrees with sigs.k8s.io/yaml.Unmarshal on edge cases,
// on every YAML file of the shared charts (values, ci values, Chart.yaml,
// and templates, which mostly fail) and on the sort-head cases.
func TestUnmarshalYAMLMapMatchesSigsYAML(t *testing.T) {
	for i, c := range append(yamlMapCases, headCases...) {
		checkYAMLMap(t, fmt.Sprintf("case %d %.40q", i, c), []byte(c))
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
		files++
		checkYAMLMap(t, path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d YAML files in the shared charts", files)
	}
}

func FuzzUnmarshalYAMLMap(f *testing.F) {
	for _, c := range append(yamlMapCases, headCases...) {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkYAMLMap(t, fmt.Sprintf("%q", s), []byte(s))
	})
}
