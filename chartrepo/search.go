package chartrepo

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// SearchOptions select what Search returns, as `helm search repo` flags do.
type SearchOptions struct {
	Keyword  string // "" lists every chart
	Regexp   bool   // Keyword is a (case-sensitive) regular expression
	Versions bool   // every matching version, not only the newest
	Devel    bool   // prereleases too (when Version is empty)
	Version  string // version range; overrides Devel
}

// SearchResult is one chart version found.
type SearchResult struct {
	Name  string // repo/chart
	Score int    // 0 name, 1 repo/name, 2 description, 3 keywords
	Chart *ChartVersion
}

// RepoIndex is a repository's name and its index.
type RepoIndex struct {
	Name  string
	Index *IndexFile
}

// searchMaxScore is helm's relevance threshold.
const searchMaxScore = 25

// sep separates the fields of a search line, as in helm.
const sep = "\v"

// Search matches the keyword against each chart version's name,
// repo/name, description and keywords (case-insensitive substring unless
// Regexp), ranks by the field matched, then by name and newest version,
// and keeps the versions within the range (the newest per chart unless
// Versions).
func Search(repos []RepoIndex, o SearchOptions) ([]SearchResult, error) {
	rng := o.Version
	if rng == "" {
		rng = ">0.0.0"
		if o.Devel {
			rng = DevelConstraint
		}
	}
	c, err := semver.NewConstraint(rng)
	if err != nil {
		return nil, fmt.Errorf("an invalid version/constraint format: %w", err)
	}
	var match func(string) int
	if match, err = matcher(o); err != nil {
		return nil, err
	}
	var res []SearchResult
	for _, r := range repos {
		for name, cvs := range r.Index.Entries {
			for _, cv := range cvs {
				line := cv.Name + sep + r.Name + "/" + cv.Name + sep + cv.Description + sep + strings.Join(cv.Keywords, " ")
				if score := match(line); score >= 0 && score < searchMaxScore {
					res = append(res, SearchResult{Name: path.Join(r.Name, name), Score: score, Chart: cv})
				}
			}
		}
	}
	sortResults(res)
	return constrain(res, c, o.Versions), nil
}

// matcher returns a function giving a line's score, or -1 for no match.
func matcher(o SearchOptions) (func(string) int, error) {
	if o.Keyword == "" {
		return func(string) int { return 0 }, nil
	}
	if o.Regexp {
		re, err := regexp.Compile(o.Keyword)
		if err != nil {
			return nil, err
		}
		return func(line string) int {
			if loc := re.FindStringIndex(line); loc != nil {
				return score(loc[0], line)
			}
			return -1
		}, nil
	}
	term := strings.ToLower(o.Keyword)
	return func(line string) int {
		lower := strings.ToLower(line)
		if i := strings.Index(lower, term); i >= 0 {
			return score(i, lower)
		}
		return -1
	}, nil
}

// score is the number of field separators before byte offset at.
func score(at int, line string) int {
	n := 0
	for i, ch := range line {
		if ch == rune(sep[0]) {
			if at <= i {
				return n
			}
			n++
		}
	}
	return n
}

func sortResults(res []SearchResult) {
	sort.SliceStable(res, func(a, b int) bool {
		x, y := res[a], res[b]
		if x.Score != y.Score {
			return x.Score < y.Score
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return newer(x.Chart.Version, y.Chart.Version)
	})
}

func constrain(res []SearchResult, c *semver.Constraints, all bool) []SearchResult {
	out := []SearchResult{}
	seen := map[string]bool{}
	for _, r := range res {
		if !all && seen[r.Name] {
			continue
		}
		v, err := semver.NewVersion(r.Chart.Version)
		if err != nil || !c.Check(v) {
			continue
		}
		out = append(out, r)
		seen[r.Name] = true
	}
	return out
}
