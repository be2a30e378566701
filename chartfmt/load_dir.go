package chartfmt

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadDir loads a chart from a directory, applying its .helmignore (and the
// default rule that drops dotfiles under templates/). Symbolic links are
// followed like Helm does, but only while they stay inside the chart.
func LoadDir(dir string) (*Chart, error) {
	files, err := ReadDirFiles(dir)
	if err != nil {
		return nil, err
	}
	c, err := LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return c, nil
}

// ReadDirFiles reads the files of the chart in dir, in walk order, applying
// .helmignore and the size limits.
func ReadDirFiles(dir string) ([]*File, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	rules, err := readIgnoreRules(realRoot)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	w := &dirWalker{root: realRoot, rules: rules, remaining: MaxChartSize, entries: MaxArchiveEntries}
	if err := w.walk(realRoot, ""); err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return w.files, nil
}

func readIgnoreRules(root string) (*IgnoreRules, error) {
	f, err := os.Open(filepath.Join(root, IgnoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultIgnoreRules(), nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rules, err := ParseIgnore(IgnoreFile, f)
	if err != nil {
		return nil, err
	}
	rules.addDefaults()
	return rules, nil
}

type dirWalker struct {
	root      string // symlinks resolved
	rules     *IgnoreRules
	files     []*File
	remaining int64
	// entries left to visit: every path counts each time it is reached, so
	// links that fan out inside the chart cannot multiply the walk.
	entries  int
	visiting []string // real paths of the directories being walked, against link loops
}

// walk visits the directory whose real path is real and whose path relative
// to the chart root is rel ("" for the root), in lexical order.
func (w *dirWalker) walk(real, rel string) error {
	for _, v := range w.visiting {
		if v == real {
			return fmt.Errorf("%s: symbolic link loop", rel)
		}
	}
	w.visiting = append(w.visiting, real)
	defer func() { w.visiting = w.visiting[:len(w.visiting)-1] }()
	entries, err := os.ReadDir(real)
	if err != nil {
		return err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	for _, name := range names {
		if err := w.visit(filepath.Join(real, name), joinRel(rel, name)); err != nil {
			return err
		}
	}
	return nil
}

func (w *dirWalker) visit(p, rel string) error {
	if w.entries--; w.entries < 0 {
		return fmt.Errorf("chart folder has more than %d entries (a path reached through symbolic links counts each time)", MaxArchiveEntries)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if p, err = w.resolveLink(p, rel); err != nil {
			return err
		}
		if fi, err = os.Stat(p); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
	}
	if fi.IsDir() {
		if w.rules.Ignore(rel, true) {
			return nil
		}
		return w.walk(p, rel)
	}
	if w.rules.Ignore(rel, false) {
		return nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("cannot load irregular file %s as it has file mode type bits set", rel)
	}
	return w.read(p, rel, fi)
}

// resolveLink follows a symbolic link and refuses targets outside the chart,
// so a chart cannot smuggle in /etc/passwd or a sibling's secrets.
func (w *dirWalker) resolveLink(p, rel string) (string, error) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("%s: broken symbolic link: %w", rel, err)
	}
	inside, err := filepath.Rel(w.root, target)
	if err != nil || inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) || filepath.IsAbs(inside) {
		return "", fmt.Errorf("%s: symbolic link points outside the chart (to %s)", rel, target)
	}
	return target, nil
}

func (w *dirWalker) read(p, rel string, fi fs.FileInfo) error {
	if fi.Size() > MaxFileSize {
		return fmt.Errorf("chart file %q is larger than the maximum file size %d", rel, MaxFileSize)
	}
	if fi.Size() > w.remaining {
		return fmt.Errorf("chart is larger than the maximum size %d", MaxChartSize)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if int64(len(data)) > MaxFileSize { // grew since Stat
		return fmt.Errorf("chart file %q is larger than the maximum file size %d", rel, MaxFileSize)
	}
	w.remaining -= int64(len(data))
	w.files = append(w.files, &File{Name: rel, Data: bytes.TrimPrefix(data, utf8BOM), ModTime: fi.ModTime()})
	return nil
}

func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}
