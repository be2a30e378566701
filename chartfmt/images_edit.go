package chartfmt

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
)

// ValueEdit sets the string at a dotted values path (Literal: a plain
// scalar such as true, written unquoted).
type ValueEdit struct {
	Path    string
	Value   string
	Literal bool
}

// EditValuesYAML applies edits to a values.yaml document. Existing
// single-line scalars are replaced in place, so comments, quoting elsewhere
// and layout stay byte-identical; when a key has to be added the document is
// re-encoded through yaml.v3 nodes, which keeps comments but may reflow.
func EditValuesYAML(raw []byte, edits []ValueEdit) ([]byte, error) {
	var doc yaml3.Node
	if err := yaml3.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("values.yaml: %w", err)
	}
	if len(doc.Content) == 0 {
		doc = yaml3.Node{Kind: yaml3.DocumentNode, Content: []*yaml3.Node{{Kind: yaml3.MappingNode, Tag: "!!map"}}}
	}
	var inPlace []scalarEdit
	reencode := false
	for _, e := range edits {
		n, added, err := valueNode(doc.Content[0], strings.Split(e.Path, "."))
		if err != nil {
			return nil, fmt.Errorf("values.yaml: %s: %w", e.Path, err)
		}
		if !added && replaceable(n) {
			inPlace = append(inPlace, scalarEdit{line: n.Line, col: n.Column, style: n.Style, old: n.Value, value: e.Value, literal: e.Literal})
			n.Value, n.Tag = e.Value, "!!str"
			if e.Literal {
				n.Tag, n.Style = "", 0 // re-encoded as what it reads as (true stays a bool)
			}
			continue
		}
		n.Kind, n.Tag, n.Value, n.Style, n.Content = yaml3.ScalarNode, "!!str", e.Value, yaml3.DoubleQuotedStyle, nil
		if e.Literal {
			n.Tag, n.Style = "", 0
		}
		reencode = true
	}
	if reencode {
		return encodeNode(&doc)
	}
	return replaceScalars(raw, inPlace)
}

// valueNode finds (or creates, under mappings) the node at path.
func valueNode(n *yaml3.Node, path []string) (node *yaml3.Node, added bool, err error) {
	for i, key := range path {
		if n.Kind != yaml3.MappingNode {
			return nil, false, fmt.Errorf("%s is not a map", strings.Join(path[:i], "."))
		}
		var next *yaml3.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == key {
				next = n.Content[j+1]
			}
		}
		if next == nil {
			next = &yaml3.Node{Kind: yaml3.MappingNode, Tag: "!!map"}
			if i == len(path)-1 {
				next = &yaml3.Node{Kind: yaml3.ScalarNode}
			}
			n.Content = append(n.Content, &yaml3.Node{Kind: yaml3.ScalarNode, Tag: "!!str", Value: key}, next)
			added = true
		}
		n = next
	}
	return n, added, nil
}

func replaceable(n *yaml3.Node) bool {
	return n.Kind == yaml3.ScalarNode && n.Line > 0 &&
		n.Style&(yaml3.LiteralStyle|yaml3.FoldedStyle) == 0 && !strings.Contains(n.Value, "\n")
}

// scalarEdit replaces the scalar token at line:col (1-based) whose text
// was old.
type scalarEdit struct {
	line, col  int
	style      yaml3.Style
	old, value string
	literal    bool
}

// replaceScalars rewrites each token on its line with the new value,
// double-quoted. Edits are applied bottom-up so positions stay valid.
func replaceScalars(raw []byte, edits []scalarEdit) ([]byte, error) {
	lines := strings.SplitAfter(string(raw), "\n")
	sort.Slice(edits, func(i, j int) bool {
		if edits[i].line != edits[j].line {
			return edits[i].line > edits[j].line
		}
		return edits[i].col > edits[j].col
	})
	for _, n := range edits {
		line := []rune(lines[n.line-1])
		start := n.col - 1
		end, err := tokenEnd(line, start, n.style, n.old)
		if err != nil {
			return nil, fmt.Errorf("values.yaml line %d: %w", n.line, err)
		}
		repl := strconv.Quote(n.value)
		if n.literal {
			repl = n.value
		}
		if end == start && start > 0 && line[start-1] == ':' {
			repl = " " + repl // an empty value right after "key:"
		}
		lines[n.line-1] = string(line[:start]) + repl + string(line[end:])
	}
	return []byte(strings.Join(lines, "")), nil
}

// tokenEnd finds where the scalar starting at line[start] ends.
func tokenEnd(line []rune, start int, style yaml3.Style, old string) (int, error) {
	if start > len(line) {
		return 0, fmt.Errorf("scalar position out of range")
	}
	switch {
	case style&yaml3.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(line); i++ {
			if line[i] == '\\' {
				i++
			} else if line[i] == '"' {
				return i + 1, nil
			}
		}
	case style&yaml3.SingleQuotedStyle != 0:
		for i := start + 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	default:
		// A plain scalar's text is its value (a null may be empty).
		end := start + len([]rune(old))
		if end > len(line) || string(line[start:end]) != old {
			return 0, fmt.Errorf("cannot find %q at column %d", old, start+1)
		}
		return end, nil
	}
	return 0, fmt.Errorf("unterminated quoted scalar")
}

func encodeNode(doc *yaml3.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml3.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("values.yaml: %w", err)
	}
	return buf.Bytes(), enc.Close()
}
