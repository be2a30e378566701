package chartrepo

import (
	"errors"
	"fmt"

	"github.com/Masterminds/semver/v3"
)

// ErrChartNotFound means the index has no chart of that name.
var ErrChartNotFound = errors.New("no chart name found")

// DevelConstraint is the version range --devel means: any version,
// prereleases included.
const DevelConstraint = ">0.0.0-0"

// VersionConstraint is what helm selects with for --version and --devel:
// version when given, else any prerelease or release with devel, else ""
// (newest stable).
func VersionConstraint(version string, devel bool) string {
	if version == "" && devel {
		return DevelConstraint
	}
	return version
}

// Get returns the version of chart name that version selects: an exact
// string match first (so versions that are not semver can be named), else
// the newest that satisfies the range; "" selects the newest stable one.
func (i *IndexFile) Get(name, version string) (*ChartVersion, error) {
	vs := i.Entries[name]
	if len(vs) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrChartNotFound)
	}
	rng := version
	if rng == "" {
		rng = "*"
	}
	c, err := semver.NewConstraint(rng)
	if err != nil {
		return nil, fmt.Errorf("invalid version or range %q: %w", version, err)
	}
	if version != "" {
		for _, v := range vs {
			if v.Version == version {
				return v, nil
			}
		}
	}
	for _, v := range vs {
		sv, err := semver.NewVersion(v.Version)
		if err == nil && c.Check(sv) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("no chart version found for %s-%s", name, version)
}

// Select returns the versions of chart name within rng ("" = stable
// releases only), newest first.
func (i *IndexFile) Select(name, rng string) (ChartVersions, error) {
	if rng == "" {
		rng = ">0.0.0"
	}
	c, err := semver.NewConstraint(rng)
	if err != nil {
		return nil, fmt.Errorf("invalid version or range %q: %w", rng, err)
	}
	var out ChartVersions
	for _, v := range i.Entries[name] {
		if sv, err := semver.NewVersion(v.Version); err == nil && c.Check(sv) {
			out = append(out, v)
		}
	}
	return out, nil
}
