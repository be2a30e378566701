package chartfmt

import (
	"strings"

	"sigs.k8s.io/yaml"
)

// SplitManifests splits rendered YAML into documents exactly as Helm
// v3.22.0's releaseutil.SplitManifests does with its separator regexp
// `(?:^|\s*\n)---\s*` over the trimmed text: a separator is "---" at the
// very start, or "---" right after a run of whitespace that ends in a
// newline; it swallows that run and all whitespace after the dashes. Each
// piece is trimmed; empty pieces are dropped. Comment-only pieces are kept
// (they are documents in Helm's output and release manifest; see
// IsEmptyDocument for installing).
//
// It is a hand-written scanner: the regexp was the largest single cost of
// rendering manifest-heavy charts.
func SplitManifests(s string) []string {
	s = strings.TrimSpace(s)
	var docs []string
	add := func(d string) {
		if d != "" {
			docs = append(docs, strings.TrimSpace(d))
		}
	}
	beg, i := 0, 0
	if strings.HasPrefix(s, "---") {
		// The `^` alternative: the separator starts the text.
		add(s[:0]) // Split's empty first piece, dropped
		beg = skipRESpace(s, 3)
		i = beg
	}
	for {
		start, end, ok := nextSeparator(s, i)
		if !ok {
			break
		}
		add(s[beg:start])
		beg, i = end, end
	}
	add(s[beg:])
	return docs
}

// nextSeparator finds the leftmost `\s*\n---\s*` at or after i: a
// whitespace run whose last byte is '\n', directly followed by "---".
func nextSeparator(s string, i int) (start, end int, ok bool) {
	nl := strings.Index(s[i:], "\n---")
	if nl < 0 {
		return 0, 0, false
	}
	nl += i
	// Walk back over the whitespace run that ends at this newline (never
	// before i: the previous match consumed the whitespace up to there).
	start = nl
	for start > i && isRESpace(s[start-1]) {
		start--
	}
	return start, skipRESpace(s, nl+4), true
}

// isRESpace is RE2's \s: ASCII space, \t, \n, \f, \r (not \v).
func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func skipRESpace(s string, i int) int {
	for i < len(s) && isRESpace(s[i]) {
		i++
	}
	return i
}

// IsEmptyDocument reports whether a document split by SplitManifests holds
// no object: it decodes to YAML null (blank, comments only, "~", "null").
// Helm prints such documents with `helm template` and stores them in the
// release, but its Kubernetes client skips them when building objects, so
// the deployer must not apply them. Most documents are decided by a line
// scan; a lone content line is checked by the YAML parser.
func IsEmptyDocument(doc string) bool {
	content := 0
	for line := range strings.SplitSeq(doc, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if content++; content > 1 {
			return false
		}
	}
	if content == 0 {
		return true
	}
	js, err := yaml.YAMLToJSON([]byte(doc))
	return err == nil && string(js) == "null"
}
