// Package tools locates the test bed's binaries (the Helm oracle, crane, cosign,
// etcd, the Kubernetes control plane and kwok) that tools/build.sh builds
// into the repository's git-ignored cache. Tests use it; the product never does.
package tools

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DirEnv overrides the folder that holds the binaries; HelmEnv overrides the
// Helm oracle alone (for example to try another Helm build).
const (
	DirEnv  = "BERTH_TOOLS_DIR"
	HelmEnv = "BERTH_HELM"
)

// Dir returns the cache folder that tools/build.sh fills: $BERTH_TOOLS_DIR, or
// .cache/tools at the root of the repository that holds the working directory.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".cache", "tools"), nil
}

// Path returns the absolute path of a cached binary such as "helm" or
// "kube-apiserver", or an error telling how to build it.
func Path(name string) (string, error) {
	if name == "helm" {
		if p := os.Getenv(HelmEnv); p != "" {
			return p, nil
		}
	}
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("test binary %s not found at %s: run `go tool task tools` first", name, p)
	}
	return p, nil
}

// KwokStages returns the kwok stage files (node and pod lifecycles) copied from
// the kwok module by tools/build.sh.
func KwokStages() ([]string, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "kwok-stages", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("kwok stages not found in %s: run `go tool task tools` first", dir)
	}
	return files, nil
}

// repoRoot walks up from the working directory to berth's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(b), "module github.com/berth-dev/berth\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("berth repository root not found above the working directory; set " + DirEnv)
		}
		dir = parent
	}
}

// SharedEnv overrides where the shared test inputs (real charts, notes) live.
const SharedEnv = "BERTH_SHARED_DIR"

// ChartsDir returns the folder of real-world charts used by compatibility
// tests and benchmarks: $BERTH_SHARED_DIR/charts, or ../shared/charts beside
// the repository.
func ChartsDir() (string, error) {
	shared := os.Getenv(SharedEnv)
	if shared == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "charts")
	if _, err := os.Stat(filepath.Join(dir, "podinfo", "Chart.yaml")); err != nil {
		return "", fmt.Errorf("shared charts not found in %s (set %s): %w", dir, SharedEnv, err)
	}
	return filepath.Abs(dir)
}
