package chartfmt

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/safefs"
)

// starter is berth's own chart skeleton. "__NAME__" in any file is replaced
// by the new chart's name.
//
//go:embed all:starter
var starter embed.FS

const starterPlaceholder = "__NAME__"

// chartNameFormat keeps names usable in object names and labels: lowercase
// letters, digits and dashes, as Kubernetes DNS labels.
var chartNameFormat = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Create writes a new chart named after the last element of dir (which must
// not exist yet) from berth's starter: a Deployment, Service, Ingress, HPA
// and ServiceAccount, helpers, NOTES.txt, a test hook, values.schema.json
// and .helmignore. The chart appears whole or not at all: it is written to
// a temporary sibling directory and renamed into place.
func Create(dir string) (string, error) {
	return create(dir, StarterFiles)
}

// create writes the files that starter gives for the chart's name into
// the new directory dir, whole or not at all.
func create(dir string, starter func(name string) ([]*File, error)) (string, error) {
	name := filepath.Base(filepath.Clean(dir))
	if !chartNameFormat.MatchString(name) || len(name) > 53 {
		return "", fmt.Errorf("chart name %q is invalid: use at most 53 lowercase letters, digits and dashes, starting and ending with a letter or digit", name)
	}
	if _, err := os.Lstat(dir); err == nil {
		return "", fmt.Errorf("create %s: it already exists", dir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	files, err := starter(name)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	err = safefs.MakeDirAtomic(filepath.Clean(dir), 0o755, func(tmp string) error { return writeStarter(tmp, name, files) })
	if err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// StarterFiles returns the starter chart's files for name, sorted by path.
func StarterFiles(name string) ([]*File, error) {
	var files []*File
	err := fs.WalkDir(starter, "starter", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := starter.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "starter/")
		files = append(files, &File{Name: rel, Data: []byte(strings.ReplaceAll(string(data), starterPlaceholder, name))})
		return nil
	})
	sortFiles(files)
	return files, err
}

func writeStarter(root, name string, files []*File) error {
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path.Join(name, f.Name), err)
		}
	}
	return nil
}
