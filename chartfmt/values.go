package chartfmt

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/yaml"
)

// GlobalKey is the values key whose table is copied into every subchart.
const GlobalKey = "global"

// Values is a tree of chart values. It is a named map, like Helm's
// chartutil.Values, because templates see its methods: `.Values.YAML`
// calls the method, not the key (observable, so kept).
type Values map[string]any

// ReadValues parses YAML values as Helm does: YAML 1.1 through JSON, so
// every number is a float64. Only the first document is read (Helm v3).
func ReadValues(data []byte) (Values, error) {
	var vals Values
	err := unmarshalYAMLMap(data, (*map[string]any)(&vals))
	if len(vals) == 0 {
		vals = Values{}
	}
	return vals, err
}

// YAML encodes the values as YAML.
func (v Values) YAML() (string, error) {
	b, err := yaml.Marshal(v)
	return string(b), err
}

// Encode writes the values as YAML to w.
func (v Values) Encode(w io.Writer) error {
	out, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// AsMap returns the values as a plain map, never nil.
func (v Values) AsMap() map[string]any {
	if len(v) == 0 {
		return map[string]any{}
	}
	return v
}

// ErrNoTable says a dotted path does not lead to a table.
type ErrNoTable struct{ Key string }

func (e ErrNoTable) Error() string { return fmt.Sprintf("%q is not a table", e.Key) }

// ErrNoValue says a dotted path does not lead to a scalar value.
type ErrNoValue struct{ Key string }

func (e ErrNoValue) Error() string { return fmt.Sprintf("%q is not a value", e.Key) }

// Table returns the table at the dotted path name; the result shares
// storage with v (Helm hands subcharts their parent's sub-map, no copy).
func (v Values) Table(name string) (Values, error) {
	table := v
	for _, n := range strings.Split(name, ".") {
		next, ok := table[n]
		if !ok {
			return table, ErrNoTable{n}
		}
		switch m := next.(type) {
		case map[string]any:
			table = m
		case Values:
			table = m
		default:
			return Values{}, ErrNoTable{n}
		}
	}
	return table, nil
}

// PathValue returns the non-table value at the dotted path.
func (v Values) PathValue(path string) (any, error) {
	if path == "" {
		return nil, errors.New("YAML path cannot be empty")
	}
	keys := strings.Split(path, ".")
	last := keys[len(keys)-1]
	t := v
	if len(keys) > 1 {
		var err error
		if t, err = v.Table(strings.Join(keys[:len(keys)-1], ".")); err != nil {
			return nil, ErrNoValue{last}
		}
	}
	if val, ok := t[last]; ok && !isTable(val) {
		return val, nil
	}
	return nil, ErrNoValue{last}
}

func isTable(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
