package oci

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/internal/safefs"
)

// ExtractChart unpacks a chart archive into dir/<chart name>, the way
// `helm pull --untar` does. The files land in a temporary folder first and
// are renamed into place, so a failure leaves nothing behind; an existing
// target is an error.
func ExtractChart(tgz []byte, dir, name string) (string, error) {
	files, err := chartfmt.ReadArchiveFiles(bytes.NewReader(tgz))
	if err != nil {
		return "", fmt.Errorf("untar: %w", err)
	}
	target, err := safefs.Path(dir, name)
	if err != nil {
		return "", fmt.Errorf("untar: %w", err)
	}
	if _, err := os.Lstat(target); err == nil {
		return "", fmt.Errorf("untar: a file or directory with the name %s already exists", target)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("untar: %w", err)
	}
	if err := safefs.MakeDirAtomic(target, 0o755, func(tmp string) error { return writeFiles(tmp, files) }); err != nil {
		return "", fmt.Errorf("untar: %w", err)
	}
	return target, nil
}

func writeFiles(root string, files []*chartfmt.File) error {
	for _, f := range files {
		// ReadArchiveFiles already refused names that escape the chart.
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
