package chartfmt

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// ValueOptions are the user's value sources, as the -f/--values and --set*
// flags give them. Merge combines them in Helm's order.
type ValueOptions struct {
	ValueFiles    []string // -f/--values; "-" reads Stdin
	JSONValues    []string // --set-json
	Values        []string // --set
	StringValues  []string // --set-string
	FileValues    []string // --set-file
	LiteralValues []string // --set-literal
	// Stdin is read for a value file named "-".
	Stdin io.Reader
}

// Merge reads every source and merges them: value files first (maps merge
// deeply, later files win), then --set-json, --set, --set-string, --set-file
// and --set-literal, each applied on top of the previous.
func (o ValueOptions) Merge(ctx context.Context) (map[string]any, error) {
	base := map[string]any{}
	for _, path := range o.ValueFiles {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := o.readFile(path)
		if err != nil {
			return nil, err
		}
		cur := map[string]any{}
		if err := unmarshalYAMLMap(data, &cur); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", path, err)
		}
		base = MergeValueMaps(base, cur)
	}
	for _, v := range o.JSONValues {
		if err := ParseSetJSON(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-json data %s", v)
		}
	}
	for _, v := range o.Values {
		if err := ParseSet(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, v := range o.StringValues {
		if err := ParseSetString(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	for _, v := range o.FileValues {
		read := func(path string) (any, error) {
			data, err := o.readFile(path)
			if err != nil {
				return nil, err
			}
			return string(data), nil
		}
		if err := ParseSetFile(v, base, read); err != nil {
			return nil, fmt.Errorf("failed parsing --set-file data: %w", err)
		}
	}
	for _, v := range o.LiteralValues {
		if err := ParseSetLiteral(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-literal data: %w", err)
		}
	}
	return base, nil
}

func (o ValueOptions) readFile(path string) ([]byte, error) {
	if strings.TrimSpace(path) == "-" {
		if o.Stdin == nil {
			return nil, fmt.Errorf("values from stdin: no input")
		}
		return io.ReadAll(o.Stdin)
	}
	return os.ReadFile(path)
}

// MergeValueMaps merges b over a into a new map: nested maps merge, anything
// else in b replaces, and neither input is changed. It is how --values files
// stack and how upgrade --reuse-values overlays the new values.
func MergeValueMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if bv, ok := out[k].(map[string]any); ok {
				out[k] = MergeValueMaps(bv, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
