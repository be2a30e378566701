package chartfmt

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// CheckDependencies fails, as Helm does before rendering or packaging, when
// a dependency declared in Chart.yaml (or requirements.yaml) has no chart of
// that name under charts/. Version mismatches are not errors here (Helm
// renders them; an alias on a mismatched version is silently ignored) —
// DependencyProblems reports them for lint.
func CheckDependencies(c *Chart) error {
	var missing []string
	for _, d := range c.Metadata.Dependencies {
		if findSubchart(c, d.Name) == nil {
			missing = append(missing, d.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}
	return nil
}

func findSubchart(c *Chart, name string) *Chart {
	for _, sc := range c.Dependencies {
		if sc.Name() == name {
			return sc
		}
	}
	return nil
}

// DependencyProblemKind classifies a DependencyProblem.
type DependencyProblemKind int

// Kinds of dependency problems.
const (
	DependencyMissing    DependencyProblemKind = iota // declared, not in charts/
	DependencyVersion                                 // in charts/, outside the declared range
	DependencyRange                                   // the declared range does not parse
	DependencyUndeclared                              // in charts/, not declared (Helm's lint fails on this)
)

// DependencyProblem is one mismatch between Chart.yaml's dependencies and
// the subcharts vendored under charts/.
type DependencyProblem struct {
	Kind    DependencyProblemKind
	Name    string // dependency name (alias if set)
	Message string
}

// DependencyProblems compares declared dependencies with the vendored
// subcharts: missing charts, versions outside the declared range, bad
// ranges, and vendored charts nobody declared.
func DependencyProblems(c *Chart) []DependencyProblem {
	var out []DependencyProblem
	declared := map[string]bool{}
	for _, d := range c.Metadata.Dependencies {
		declared[d.Name] = true
		key := d.Name
		if d.Alias != "" {
			key = d.Alias
		}
		matches := subchartsNamed(c, d.Name)
		if len(matches) == 0 {
			out = append(out, DependencyProblem{DependencyMissing, key, fmt.Sprintf("dependency %q is declared but missing in charts/", d.Name)})
			continue
		}
		if d.Version == "" {
			continue
		}
		cons, err := semver.NewConstraint(d.Version)
		if err != nil {
			out = append(out, DependencyProblem{DependencyRange, key, fmt.Sprintf("dependency %q has an invalid version range %q: %v", d.Name, d.Version, err)})
			continue
		}
		if !anySatisfies(cons, matches) {
			out = append(out, DependencyProblem{DependencyVersion, key, fmt.Sprintf("dependency %q wants version %q but charts/ holds %s", d.Name, d.Version, versionsOf(matches))})
		}
	}
	for _, sc := range c.Dependencies {
		if !declared[sc.Name()] {
			out = append(out, DependencyProblem{DependencyUndeclared, sc.Name(), fmt.Sprintf("chart %q is in charts/ but not declared in Chart.yaml dependencies", sc.Name())})
		}
	}
	return out
}

func subchartsNamed(c *Chart, name string) []*Chart {
	var out []*Chart
	for _, sc := range c.Dependencies {
		if sc.Name() == name {
			out = append(out, sc)
		}
	}
	return out
}

func anySatisfies(cons *semver.Constraints, charts []*Chart) bool {
	for _, sc := range charts {
		if v, err := semver.NewVersion(sc.Metadata.Version); err == nil && cons.Check(v) {
			return true
		}
	}
	return false
}

func versionsOf(charts []*Chart) string {
	vs := make([]string, len(charts))
	for i, sc := range charts {
		vs[i] = sc.Metadata.Version
	}
	return strings.Join(vs, ", ")
}
