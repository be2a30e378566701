package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// printStructured writes v as JSON or YAML and reports whether format was one
// of those; for "table" (or empty) the caller prints its own table.
func printStructured(w io.Writer, format string, v any) (bool, error) {
	switch format {
	case "", "table":
		return false, nil
	case "json":
		// Compact, one line, as helm prints it: scripts read it with jq.
		return true, json.NewEncoder(w).Encode(v)
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return true, err
		}
		_, err = w.Write(b)
		return true, err
	default:
		return true, fmt.Errorf("unknown output format %q: use table, json or yaml", format)
	}
}
