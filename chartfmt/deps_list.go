package chartfmt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// DependencyListing is what `dependency list` reports for a chart: each
// Chart.yaml dependency with its status, then warnings about charts/
// entries Chart.yaml does not name.
type DependencyListing struct {
	// None is set when Chart.yaml declares no dependencies at all.
	None         bool
	Dependencies []DependencyStatus
	Warnings     []string
}

// DependencyStatus is one row of the listing.
type DependencyStatus struct {
	Name, Version, Repository string
	// Status is helm's word: ok (a matching archive in charts/), unpacked (a
	// matching directory), missing, wrong version, misnamed, corrupt,
	// invalid version, too many matches.
	Status string
}

// ListDependencies lists the dependencies of the chart at dir (a folder or
// archive) and their state under charts/, with Helm v3.22.0's statuses and
// warnings.
func ListDependencies(dir string) (*DependencyListing, error) {
	c, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if c.Metadata.Dependencies == nil {
		return &DependencyListing{None: true}, nil
	}
	out := &DependencyListing{}
	for _, d := range c.Metadata.Dependencies {
		out.Dependencies = append(out.Dependencies, DependencyStatus{Name: d.Name, Version: d.Version,
			Repository: d.Repository, Status: dependencyState(dir, d, c)})
	}
	out.Warnings = strayDependencies(dir, c.Metadata.Dependencies)
	return out, nil
}

// dependencyState: an archive charts/NAME-*.tgz decides (helm 3 keeps
// this for compatibility), else the loaded subchart of that name.
func dependencyState(dir string, dep *Dependency, parent *Chart) string {
	archives, err := filepath.Glob(filepath.Join(dir, "charts", dep.Name+"-*.tgz"))
	switch {
	case err != nil:
		return "bad pattern"
	case len(archives) > 1:
		var found []string
		for _, a := range archives {
			v := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(a), ".tgz"), dep.Name+"-")
			if _, err := semver.StrictNewVersion(v); err == nil {
				found = append(found, a)
			}
		}
		if len(found) > 1 {
			return "too many matches"
		}
		if len(found) == 1 {
			if s := archiveState(found[0], dep); s != "" {
				return s
			}
		}
	case len(archives) == 1:
		if s := archiveState(archives[0], dep); s != "" {
			return s
		}
	}
	var sub *Chart
	for _, d := range parent.Dependencies {
		if d.Name() == dep.Name {
			sub = d
		}
	}
	if sub == nil {
		return "missing"
	}
	if s := versionState(sub.Metadata.Version, dep.Version); s != "" {
		return s
	}
	return "unpacked"
}

func archiveState(archive string, dep *Dependency) string {
	if _, err := os.Stat(archive); err != nil {
		return ""
	}
	c, err := LoadArchiveFile(archive)
	if err != nil {
		return "corrupt"
	}
	if c.Name() != dep.Name {
		return "misnamed"
	}
	if s := versionState(c.Metadata.Version, dep.Version); s != "" {
		return s
	}
	return "ok"
}

// versionState is "" when have satisfies the wanted version or range.
func versionState(have, want string) string {
	if have == want {
		return ""
	}
	constraint, err := semver.NewConstraint(want)
	if err != nil {
		return "invalid version"
	}
	v, err := semver.NewVersion(have)
	if err != nil {
		return "invalid version"
	}
	if !constraint.Check(v) {
		return "wrong version"
	}
	return ""
}

// strayDependencies warns about charts/ entries that are not charts or not
// named in Chart.yaml.
func strayDependencies(dir string, deps []*Dependency) []string {
	files, err := filepath.Glob(filepath.Join(dir, "charts/*"))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			out = append(out, fmt.Sprintf("Warning: %s", err))
			continue
		}
		if !fi.IsDir() && filepath.Ext(f) != ".tgz" {
			continue
		}
		c, err := Load(f)
		if err != nil {
			out = append(out, fmt.Sprintf("WARNING: %q is not a chart.", f))
			continue
		}
		named := false
		for _, d := range deps {
			named = named || d.Name == c.Name()
		}
		if !named {
			out = append(out, fmt.Sprintf("WARNING: %q is not in Chart.yaml.", f))
		}
	}
	return out
}
