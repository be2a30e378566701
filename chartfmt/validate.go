package chartfmt

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/Masterminds/semver/v3"
)

// Chart API versions and types.
const (
	APIVersionV1 = "v1" // Helm 2 charts: dependencies in requirements.yaml
	APIVersionV2 = "v2" // Helm 3 charts

	TypeApplication = "application"
	TypeLibrary     = "library"
)

// aliasFormat is the set of characters Helm allows in a dependency alias.
var aliasFormat = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// ValidationError is a problem with Chart.yaml's content.
type ValidationError struct{ Msg string }

func (e *ValidationError) Error() string { return "validation: " + e.Msg }

func invalid(format string, args ...any) error {
	return &ValidationError{Msg: fmt.Sprintf(format, args...)}
}

// Validate checks Chart.yaml as Helm v3.22.0 does when loading, and
// sanitizes its free-text fields the same way (whitespace becomes a space,
// non-printable characters are dropped) so templates see Helm's values.
func (md *Metadata) Validate() error {
	if md == nil {
		return invalid("chart.metadata is required")
	}
	md.sanitize()
	switch {
	case md.APIVersion == "":
		return invalid("chart.metadata.apiVersion is required")
	case md.Name == "":
		return invalid("chart.metadata.name is required")
	case md.Name == "." || md.Name == ".." || md.Name != filepath.Base(md.Name) || strings.ContainsAny(md.Name, `/\`):
		return invalid("chart.metadata.name %q is invalid", md.Name)
	case md.Version == "":
		return invalid("chart.metadata.version is required")
	case !isSemver(md.Version):
		return invalid("chart.metadata.version %q is invalid", md.Version)
	case !validChartType(md.Type):
		return invalid("chart.metadata.type must be application or library")
	}
	for _, m := range md.Maintainers {
		if m == nil {
			return invalid("maintainers must not contain empty or null nodes")
		}
		m.Name, m.Email, m.URL = sanitize(m.Name), sanitize(m.Email), sanitize(m.URL)
	}
	seen := map[string]bool{}
	for _, d := range md.Dependencies {
		if d == nil {
			return invalid("dependencies must not contain empty or null nodes")
		}
		d.sanitize()
		if d.Alias != "" && !aliasFormat.MatchString(d.Alias) {
			return invalid("dependency %q has disallowed characters in the alias", d.Name)
		}
		key := d.Name
		if d.Alias != "" {
			key = d.Alias
		}
		if seen[key] {
			return invalid("more than one dependency with name or alias %q", key)
		}
		seen[key] = true
	}
	return nil
}

func (md *Metadata) sanitize() {
	for _, s := range []*string{&md.Name, &md.Description, &md.Home, &md.Icon, &md.Condition,
		&md.Tags, &md.AppVersion, &md.KubeVersion} {
		*s = sanitize(*s)
	}
	for i := range md.Sources {
		md.Sources[i] = sanitize(md.Sources[i])
	}
	for i := range md.Keywords {
		md.Keywords[i] = sanitize(md.Keywords[i])
	}
}

func (d *Dependency) sanitize() {
	for _, s := range []*string{&d.Name, &d.Version, &d.Repository, &d.Condition, &d.Alias} {
		*s = sanitize(*s)
	}
	for i := range d.Tags {
		d.Tags[i] = sanitize(d.Tags[i])
	}
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
}

// isSemver accepts what Masterminds/semver's NewVersion accepts (so "v1.2"
// and "1.2" are fine), as Helm does for Chart.yaml.
func isSemver(v string) bool {
	_, err := semver.NewVersion(v)
	return err == nil
}

func validChartType(t string) bool {
	return t == "" || t == TypeApplication || t == TypeLibrary
}

// IsLibrary reports whether the chart is a library chart (Helm compares the
// type case-insensitively when rendering).
func (c *Chart) IsLibrary() bool {
	return c.Metadata != nil && strings.EqualFold(c.Metadata.Type, TypeLibrary)
}

// ValidateName checks a chart name is usable as a file and directory name,
// as packaging and `create` require.
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("chart name is empty")
	case name == "." || name == "..", strings.ContainsAny(name, `/\`):
		return fmt.Errorf("chart name %q is invalid: it must not be a path", name)
	}
	return nil
}
