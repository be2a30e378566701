package chartfmt

import (
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Dependency processing, as `helm template` does it before rendering
// (Helm v3.22.0 ProcessDependenciesWithMerge, notes §3.3): aliases make
// renamed copies of subcharts, tags then conditions enable or disable them,
// and import-values copy child values into the parent. It works on a copy
// of the chart tree (see copyChartTree), which it rewrites in place as Helm
// rewrites its freshly loaded chart: `.Chart.Dependencies` shows the result
// (enabled flags, alias names, normalised import-values), so it is kept.

// copyChartTree copies the chart structure that dependency processing
// mutates (charts, metadata, dependency entries); file contents and values
// are shared, they are only read.
func copyChartTree(c *Chart, parent *Chart) *Chart {
	out := *c
	out.parent = parent
	if c.Metadata != nil {
		md := *c.Metadata
		if c.Metadata.Dependencies != nil {
			md.Dependencies = make([]*Dependency, len(c.Metadata.Dependencies))
			for i, d := range c.Metadata.Dependencies {
				if d != nil {
					dd := *d
					md.Dependencies[i] = &dd
				}
			}
		}
		out.Metadata = &md
	}
	out.Dependencies = nil
	for _, sub := range c.Dependencies {
		out.Dependencies = append(out.Dependencies, copyChartTree(sub, &out))
	}
	return &out
}

func setDependencies(c *Chart, subs []*Chart) {
	c.Dependencies = nil
	for _, s := range subs {
		s.parent = c
		c.Dependencies = append(c.Dependencies, s)
	}
}

// versionInRange reports whether version satisfies the constraint; an
// empty or invalid constraint never matches (so an alias is then ignored).
func versionInRange(constraint, version string) bool {
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return false
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return false
	}
	return c.Check(v)
}

// processDependencies enables, disables and aliases subcharts, then
// imports values. userVals are the user's values (not modified).
func processDependencies(c *Chart, userVals map[string]any, warn func(string, ...any)) error {
	if err := processDependencyEnabled(c, userVals, "", warn); err != nil {
		return err
	}
	return processImportValuesTree(c, warn)
}

// aliasDependency returns a renamed shallow copy of the first subchart that
// dep names and whose version is in range, or nil. The copy shares its
// subcharts and dependency entries with the original, as in Helm v3.
func aliasDependency(subs []*Chart, dep *Dependency) *Chart {
	for _, s := range subs {
		if s == nil || s.Name() != dep.Name || !versionInRange(dep.Version, s.Metadata.Version) {
			continue
		}
		out := *s
		md := *s.Metadata
		out.Metadata = &md
		if dep.Alias != "" {
			md.Name = dep.Alias
		}
		return &out
	}
	return nil
}

func processDependencyEnabled(c *Chart, v map[string]any, path string, warn func(string, ...any)) error {
	if c.Metadata.Dependencies == nil {
		return nil
	}
	var subs []*Chart
existing:
	for _, s := range c.Dependencies {
		for _, req := range c.Metadata.Dependencies {
			if req != nil && s.Name() == req.Name && versionInRange(req.Version, s.Metadata.Version) {
				continue existing
			}
		}
		subs = append(subs, s)
	}
	for _, req := range c.Metadata.Dependencies {
		if req == nil {
			continue
		}
		if s := aliasDependency(c.Dependencies, req); s != nil {
			subs = append(subs, s)
		}
		if req.Alias != "" {
			req.Name = req.Alias
		}
	}
	setDependencies(c, subs)

	for _, req := range c.Metadata.Dependencies {
		if req != nil {
			req.Enabled = true
		}
	}
	cvals, err := coalescer{warn: warn}.values(c, v)
	if err != nil {
		return err
	}
	applyTags(c.Metadata.Dependencies, cvals, warn)
	applyConditions(c.Metadata.Dependencies, cvals, path, warn)

	disabled := map[string]bool{}
	for _, r := range c.Metadata.Dependencies {
		if r != nil && !r.Enabled {
			disabled[r.Name] = true
		}
	}
	var keep []*Chart
	for _, s := range c.Dependencies {
		if !disabled[s.Metadata.Name] {
			keep = append(keep, s)
		}
	}
	var keepMeta []*Dependency
	for _, r := range c.Metadata.Dependencies {
		if r == nil || !disabled[r.Name] {
			keepMeta = append(keepMeta, r)
		}
	}
	for _, s := range keep {
		if err := processDependencyEnabled(s, cvals, path+s.Metadata.Name+".", warn); err != nil {
			return err
		}
	}
	c.Metadata.Dependencies = keepMeta
	setDependencies(c, keep)
	return nil
}

// applyTags: a dependency with any true tag is enabled; with only false
// tags disabled; with no known tags enabled.
func applyTags(reqs []*Dependency, cvals Values, warn func(string, ...any)) {
	tags, err := cvals.Table("tags")
	if err != nil {
		return
	}
	for _, r := range reqs {
		if r == nil {
			continue
		}
		var hasTrue, hasFalse bool
		for _, k := range r.Tags {
			b, ok := tags[k]
			if !ok {
				continue
			}
			bv, ok := b.(bool)
			if !ok {
				warnf(warn, "Warning: Tag '%s' for chart %s returned non-bool value", k, r.Name)
				continue
			}
			if bv {
				hasTrue = true
			} else {
				hasFalse = true
			}
		}
		r.Enabled = hasTrue || !hasFalse
	}
}

// applyConditions: the first condition path that holds a bool decides,
// overriding tags.
func applyConditions(reqs []*Dependency, cvals Values, path string, warn func(string, ...any)) {
	for _, r := range reqs {
		if r == nil {
			continue
		}
		for _, cond := range strings.Split(strings.TrimSpace(r.Condition), ",") {
			if cond == "" {
				continue
			}
			vv, err := cvals.PathValue(path + cond)
			if err != nil {
				if _, ok := err.(ErrNoValue); !ok {
					warnf(warn, "Warning: PathValue returned error %v", err)
				}
				continue
			}
			if bv, ok := vv.(bool); ok {
				r.Enabled = bv
				break
			}
			warnf(warn, "Warning: Condition path '%s' for chart %s returned non-bool value", cond, r.Name)
		}
	}
}

func warnf(warn func(string, ...any), format string, args ...any) {
	if warn != nil {
		warn(format, args...)
	}
}
