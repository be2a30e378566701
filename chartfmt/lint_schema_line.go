package chartfmt

import (
	"regexp"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
)

// schemaViolation finds the first violation in a schema error: the chart
// it belongs to and the JSON pointer of the offending value.
var schemaViolation = regexp.MustCompile(`(?m)^([^\s:][^:\n]*):\n- at '([^']*)'`)

// schemaErrorLine is the line of values (a values file's YAML) holding the
// value the first schema violation of msg points at: the chart's own
// values for root, a subchart's under its key. When the value is not in
// the file (a default, or a --set), the line of its nearest parent that is;
// 0 when msg names no violation or values does not parse.
func schemaErrorLine(values []byte, msg, root string) int {
	m := schemaViolation.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	var doc yaml3.Node
	if yaml3.Unmarshal(values, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	var tokens []string
	if m[1] != root {
		tokens = append(tokens, m[1])
	}
	if p := strings.TrimPrefix(m[2], "/"); p != "" {
		for _, t := range strings.Split(p, "/") {
			tokens = append(tokens, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
		}
	}
	node, line := doc.Content[0], 0
	for _, t := range tokens {
		next := childNode(node, t)
		if next == nil {
			break
		}
		node, line = next, next.Line
	}
	return line
}

// childNode is the value under key t of a mapping, or item t of a sequence;
// for a mapping the key's node is returned when the value is a collection
// (its line is where the entry starts).
func childNode(n *yaml3.Node, t string) *yaml3.Node {
	switch n.Kind {
	case yaml3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == t {
				v := n.Content[i+1]
				if v.Kind == yaml3.ScalarNode {
					return v
				}
				c := *v
				c.Line = n.Content[i].Line
				return &c
			}
		}
	case yaml3.SequenceNode:
		if i, err := strconv.Atoi(t); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
