package chartfmt

import (
	"maps"
	"math"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// unmarshalYAMLMap is sigs.k8s.io/yaml.Unmarshal(data, out) — how Helm
// reads values files and fromYaml — without its JSON round trip. sigs
// parses with go-yaml v2, converts the result to JSON-compatible values,
// encodes it as JSON and decodes that into out, so numbers become float64
// and keys strings. For the common shape (string keys, valid UTF-8,
// finite numbers, modest depth) the same values are built here directly
// from go-yaml's result; anything else — a parse error, a non-string key,
// a string JSON would rewrite, NaN or ±Inf, a document that is not a map
// — takes sigs' path, so values and error texts stay exactly Helm's.
func unmarshalYAMLMap(data []byte, out *map[string]any) error {
	var obj any
	if yamlv2.Unmarshal(data, &obj) == nil {
		if v, ok := jsonShaped(obj, 0); ok {
			switch m := v.(type) {
			case nil:
				// sigs decodes into an interface holding out, so JSON
				// null clears the interface and leaves the map alone.
				return nil
			case map[string]any:
				if *out == nil {
					*out = m
				} else {
					maps.Copy(*out, m) // JSON objects decode into the existing map
				}
				return nil
			}
		}
	}
	return yaml.Unmarshal(data, out)
}

// jsonShapedMaxDepth keeps far below encoding/json's nesting limit (10000),
// past which sigs' path fails.
const jsonShapedMaxDepth = 1000

// jsonShaped returns v as encoding/json would decode sigs.k8s.io/yaml's
// JSON encoding of it into an interface{}, or false when that is not
// plainly the same value.
func jsonShaped(v any, depth int) (any, bool) {
	if depth > jsonShapedMaxDepth {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		return nil, true
	case string:
		return t, utf8.ValidString(t) // JSON replaces invalid bytes
	case bool:
		return t, true
	// JSON prints integers exactly and parses them back to the nearest
	// float64, as Go's conversion rounds.
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint64:
		return float64(t), true
	case float64:
		// Shortest round-trip formatting: the same float64 comes back.
		return t, !math.IsInf(t, 0) && !math.IsNaN(t)
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			key, ok := k.(string)
			if !ok || !utf8.ValidString(key) {
				return nil, false
			}
			if m[key], ok = jsonShaped(e, depth+1); !ok {
				return nil, false
			}
		}
		return m, true
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			var ok bool
			if s[i], ok = jsonShaped(e, depth+1); !ok {
				return nil, false
			}
		}
		return s, true
	}
	return nil, false
}
