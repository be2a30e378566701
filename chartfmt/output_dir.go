package chartfmt

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteTemplateFiles writes r as `helm template --output-dir dir` does: one
// file per template path under dir, each document appended as
// "---\n# Source: <path>\n<doc>\n" (CRDs first with IncludeCRDs, then
// manifests, then hooks; a hook whose file already exists on disk is
// appended to it, as Helm does). It returns the written paths in order,
// which Helm prints as "wrote <path>". ShowOnly is ignored, as in Helm.
func (r *Rendered) WriteTemplateFiles(dir string, o TemplateOutputOptions) ([]string, error) {
	var wrote []string
	written := map[string]bool{}
	write := func(name, data string, appendTo bool) error {
		path := dir + string(filepath.Separator) + name
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("output dir: %w", err)
		}
		flags := os.O_CREATE | os.O_TRUNC | os.O_WRONLY
		if appendTo {
			flags = os.O_APPEND | os.O_WRONLY
		}
		f, err := os.OpenFile(path, flags, 0o644)
		if err != nil {
			return fmt.Errorf("output dir: %w", err)
		}
		if _, err := fmt.Fprintf(f, "---\n# Source: %s\n%s\n", name, data); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		written[name] = true
		wrote = append(wrote, path)
		return nil
	}
	if o.IncludeCRDs {
		for _, c := range r.CRDs {
			if err := write(c.Source, string(c.Content), written[c.Source]); err != nil {
				return wrote, err
			}
		}
	}
	for _, m := range r.Manifests {
		if err := write(m.Source, m.Content, written[m.Source]); err != nil {
			return wrote, err
		}
	}
	if o.NoHooks {
		return wrote, nil
	}
	for _, h := range r.Hooks {
		if o.SkipTests && h.IsTest() {
			continue
		}
		_, err := os.Stat(filepath.Join(dir, h.Source))
		if err := write(h.Source, h.Content, err == nil || written[h.Source]); err != nil {
			return wrote, err
		}
	}
	return wrote, nil
}
