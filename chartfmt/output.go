package chartfmt

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// TemplateOutputOptions are `helm template`'s output flags.
type TemplateOutputOptions struct {
	IncludeCRDs bool     // --include-crds: crds/ files first
	SkipTests   bool     // --skip-tests: drop test hooks
	NoHooks     bool     // --no-hooks: drop all hooks
	ShowOnly    []string // --show-only: template paths or globs, chart name excluded
}

// TemplateOutput formats r exactly as `helm template` v3.22.0 prints it:
// "---\n# Source: <path>\n<doc>\n" per document (CRDs, then manifests in
// install order, trimmed as a whole, then hooks), or with ShowOnly the
// matching documents in the order of the patterns.
func (r *Rendered) TemplateOutput(o TemplateOutputOptions) (string, error) {
	// One buffer of the exact size: the output of big charts is megabytes,
	// and peak memory must stay at or below helm's.
	const head = "---\n# Source: "
	size := 1
	if o.IncludeCRDs {
		for _, c := range r.CRDs {
			size += len(head) + len(c.Source) + len(c.Content) + 2
		}
	}
	for _, m := range r.Manifests {
		size += len(head) + len(m.Source) + len(m.Content) + 2
	}
	hooks := r.Hooks
	if o.NoHooks {
		hooks = nil
	}
	for _, h := range hooks {
		size += len(head) + len(h.Source) + len(h.Content) + 2
	}
	buf := make([]byte, 0, size)
	doc := func(src string, content []byte, text string) {
		buf = append(append(append(buf, head...), src...), '\n')
		buf = append(append(append(buf, content...), text...), '\n')
	}
	if o.IncludeCRDs {
		for _, c := range r.CRDs {
			doc(c.Source, c.Content, "")
		}
	}
	for _, m := range r.Manifests {
		doc(m.Source, nil, m.Content)
	}
	// helm trims CRDs and manifests as a whole, then adds the hooks.
	trimmed := bytes.TrimSpace(buf)
	buf = append(buf[:copy(buf, trimmed)], '\n')
	for _, h := range hooks {
		if o.SkipTests && h.IsTest() {
			continue
		}
		doc(h.Source, nil, h.Content)
	}
	if len(o.ShowOnly) == 0 {
		return string(buf), nil
	}
	return showOnly(string(buf), o.ShowOnly)
}

// sourcePath is what Helm's `# Source: [^/]+/(.+)` captures in doc: after
// the first "# Source: " that has a '/' (after at least one other byte)
// followed by a non-empty rest of line, that rest of line.
func sourcePath(doc string) (string, bool) {
	const marker = "# Source: "
	for i := 0; ; {
		at := strings.Index(doc[i:], marker)
		if at < 0 {
			return "", false
		}
		from := i + at + len(marker)
		i = i + at + 1
		slash := strings.IndexByte(doc[from:], '/')
		if slash <= 0 {
			continue
		}
		rest := doc[from+slash+1:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[:nl]
		}
		if rest != "" {
			return rest, true
		}
	}
}

// showOnly re-splits the stream and keeps the documents whose source path
// (without the chart name) matches a pattern, pattern by pattern.
func showOnly(stream string, patterns []string) (string, error) {
	docs := SplitManifests(stream)
	var b strings.Builder
	for _, f := range patterns {
		f = filepath.ToSlash(f)
		found := false
		for _, d := range docs {
			src, ok := sourcePath(d)
			if !ok {
				continue
			}
			if ok, _ := filepath.Match(f, src); !ok {
				continue
			}
			fmt.Fprintf(&b, "---\n%s\n", d)
			found = true
		}
		if !found {
			return "", fmt.Errorf("could not find template %s in chart", f)
		}
	}
	return b.String(), nil
}
