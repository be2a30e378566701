package classic

import (
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// Package runs `helm package` on the shared real chart name into dir, once
// per version given (--version), or once with the chart's own version.
// It returns the archive paths.
func Package(t testing.TB, h *tools.Helm, dir, name string, versions ...string) []string {
	t.Helper()
	charts, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(charts, name)
	if len(versions) == 0 {
		versions = []string{""}
	}
	var out []string
	for _, v := range versions {
		args := []string{"package", src, "-d", dir}
		if v != "" {
			args = append(args, "--version", v)
		}
		before, _ := filepath.Glob(filepath.Join(dir, "*.tgz"))
		h.MustRun(t, args...)
		after, _ := filepath.Glob(filepath.Join(dir, "*.tgz"))
		out = append(out, added(before, after)...)
	}
	return out
}

func added(before, after []string) []string {
	seen := map[string]bool{}
	for _, b := range before {
		seen[b] = true
	}
	var out []string
	for _, a := range after {
		if !seen[a] {
			out = append(out, a)
		}
	}
	return out
}

// Index runs `helm repo index dir` (with --url when url is not empty).
func Index(t testing.TB, h *tools.Helm, dir, url string) {
	t.Helper()
	args := []string{"repo", "index", dir}
	if url != "" {
		args = append(args, "--url", url)
	}
	h.MustRun(t, args...)
}
