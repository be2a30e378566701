package chartfmt

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"text/template"
)

// Charts call fromYaml/fromJson on the same big texts many times (istio's
// base chart and CRD bundles parse embedded files once per template that
// needs them), and toYaml on the same values in many files. These functions
// are pure, so one render remembers their results: parsed values are handed
// out as deep copies (templates may `set` into them), and toYaml remembers
// the YAML of each JSON encoding (the JSON→YAML conversion is its costly
// half; the JSON step still runs, so a value mutated in between is seen).
// Parsed values are remembered for the memoParsed most recent inputs only
// (charts repeat a call close by: istio parses each CRD twice in a row), so
// the copies kept add little to peak memory. toYaml keys its results by the
// JSON's SHA-256 and keeps a result only from the second call with that
// JSON on (a value converted once, like each of istio's CRDs, costs 32
// bytes, not its text twice), up to memoBudget bytes of YAML.

const (
	memoParsed = 4
	memoBudget = 8 << 20
)

type memo struct {
	parsed map[memoKey]parsedResult
	order  []memoKey                    // insertion order of parsed, oldest first
	yamlOf map[[sha256.Size]byte]string // JSON encoding's hash → toYaml output ("" until seen twice)
	used   int
}

type memoKey struct {
	fn, in string
}

type parsedResult struct{ v any }

func newMemo() *memo {
	return &memo{parsed: map[memoKey]parsedResult{}, yamlOf: map[[sha256.Size]byte]string{}}
}

// bind replaces the memoisable functions of funcs.
func (m *memo) bind(funcs template.FuncMap) {
	funcs["fromYaml"] = func(s string) map[string]any {
		return m.parse("fromYaml", s, func() any { return fromYAML(s) }).(map[string]any)
	}
	funcs["fromYamlArray"] = func(s string) []any {
		return m.parse("fromYamlArray", s, func() any { return fromYAMLArray(s) }).([]any)
	}
	funcs["fromJson"] = func(s string) map[string]any {
		return m.parse("fromJson", s, func() any { return fromJSON(s) }).(map[string]any)
	}
	funcs["fromJsonArray"] = func(s string) []any {
		return m.parse("fromJsonArray", s, func() any { return fromJSONArray(s) }).([]any)
	}
	funcs["toYaml"] = m.toYAML
}

func (m *memo) parse(fn, in string, f func() any) any {
	k := memoKey{fn, in}
	if r, ok := m.parsed[k]; ok {
		return deepCopy(r.v)
	}
	v := f()
	if len(m.order) == memoParsed {
		delete(m.parsed, m.order[0])
		m.order = append(m.order[:0], m.order[1:]...)
	}
	m.order = append(m.order, k)
	m.parsed[k] = parsedResult{v: deepCopy(v)}
	return v
}

// toYAML is toYAML with the JSON→YAML step remembered: sigs.k8s.io/yaml
// marshals through encoding/json, so equal JSON gives equal YAML.
func (m *memo) toYAML(v any) string {
	js, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	key := sha256.Sum256(js)
	out, seen := m.yamlOf[key]
	if out != "" {
		return out
	}
	y, err := jsonToYAML(v, js)
	if err != nil {
		return ""
	}
	out = strings.TrimSuffix(string(y), "\n")
	switch {
	case !seen && len(m.yamlOf) < memoBudget/64:
		m.yamlOf[key] = ""
	case seen && m.used+len(out) <= memoBudget:
		m.used += len(out)
		m.yamlOf[key] = out
	}
	return out
}

// deepCopy copies the maps and slices of a parsed value; scalars are
// immutable and shared.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return t
		}
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		if t == nil {
			return t
		}
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}
