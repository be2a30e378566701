package chartfmt

import (
	"encoding/json"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// jsonToYAML is sigs.k8s.io/yaml.JSONToYAML(js) where js is
// json.Marshal(v): sigs parses the JSON text with go-yaml v2 (so numbers
// get YAML's int/float types back) and marshals the result. For plainly
// JSON-shaped values the parsed value is built here directly from v;
// anything else (other Go types, strings whose raw characters go-yaml's
// reader refuses, a "<<" key, deep nesting) parses js as sigs does.
func jsonToYAML(v any, js []byte) ([]byte, error) {
	if obj, ok := yamlOfJSON(v, 0); ok {
		return yamlv2.Marshal(obj)
	}
	return yaml.JSONToYAML(js)
}

// yamlOfJSON returns what go-yaml v2 decodes into an interface{} from
// json.Marshal(v), or false when that is not plainly known.
func yamlOfJSON(v any, depth int) (any, bool) {
	if depth > jsonShapedMaxDepth {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		return nil, true
	case bool:
		return t, true
	case string:
		return t, yamlReadable(t)
	case float64, int, int64:
		js, err := json.Marshal(t)
		if err != nil {
			return nil, false
		}
		return yamlNumber(string(js))
	case map[string]any:
		if t == nil {
			return nil, true // JSON null
		}
		m := make(map[any]any, len(t))
		for k, e := range t {
			if k == "<<" || !yamlReadable(k) {
				return nil, false
			}
			var ok bool
			if m[k], ok = yamlOfJSON(e, depth+1); !ok {
				return nil, false
			}
		}
		return m, true
	case []any:
		if t == nil {
			return nil, true
		}
		s := make([]any, len(t))
		for i, e := range t {
			var ok bool
			if s[i], ok = yamlOfJSON(e, depth+1); !ok {
				return nil, false
			}
		}
		return s, true
	}
	return nil, false
}

// yamlNumber resolves a JSON number's text as go-yaml v2 resolves a plain
// scalar that looks like a number: int if it fits, then int64, uint64,
// float64.
func yamlNumber(s string) (any, bool) {
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		if i == int64(int(i)) {
			return int(i), true
		}
		return i, true
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return u, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	return nil, false
}

// yamlReadable reports whether s, JSON-encoded, reads back as s through
// go-yaml's reader: valid UTF-8 whose raw (unescaped) characters are ones
// YAML allows in a stream. JSON escapes control characters below U+0020
// (and U+2028, U+2029), which go-yaml decodes back.
func yamlReadable(s string) bool {
	for i, r := range s {
		switch {
		case r == 0xFFFD:
			// Either a real U+FFFD or an invalid byte JSON would replace.
			if !strings.HasPrefix(s[i:], "\uFFFD") {
				return false
			}
		case r < 0x20, r == 0x2028, r == 0x2029:
		case r <= 0x7E:
		case r >= 0xA0 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}
