package chartrepo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/berth-dev/berth/chartfmt/provenance"
)

// Chart is a chart archive downloaded from a classic repository.
type Chart struct {
	Archive []byte
	Version *ChartVersion
	URL     string // where it was downloaded from
	Repo    string // repository name ("" for a direct URL)
	// Prov and Verified are the provenance file and what it established,
	// when Options.Verify asked for them; nil otherwise.
	Prov     []byte
	Verified *provenance.Verification
	// Warnings are notes for the user: a provenance file that Options.Prov
	// asked for and the repository does not have.
	Warnings []string
}

// SplitRef splits "repo/chart" into its repository and chart names.
func SplitRef(ref string) (repo, chart string, ok bool) {
	repo, chart, ok = strings.Cut(ref, "/")
	return repo, chart, ok && repo != "" && chart != "" && !strings.Contains(chart, "/")
}

// Locate downloads the chart that ref ("repo/chart") and version (a version
// or range, "" = newest stable; see VersionConstraint) select in the cached
// index of a configured repository, with that repository's credentials and
// TLS settings.
func Locate(ctx context.Context, p Paths, ref, version string, opts Options) (*Chart, error) {
	repoName, name, ok := SplitRef(ref)
	if !ok {
		return nil, fmt.Errorf("%q: want REPO/CHART", ref)
	}
	cfg, err := LoadConfig(p.Config)
	if err != nil {
		return nil, fmt.Errorf("repo %s not found: %w", repoName, err)
	}
	e := cfg.Get(repoName)
	if e == nil {
		return nil, fmt.Errorf("repo %s not found", repoName)
	}
	idx, err := CachedIndex(p, repoName)
	if err != nil {
		return nil, err
	}
	cv, err := idx.Get(name, version)
	if err != nil {
		return nil, fmt.Errorf("chart %q matching %s not found in %s index. (try 'berth repo update'): %w", name, version, repoName, err)
	}
	return fetchVersion(ctx, e, cv, opts)
}

func fetchVersion(ctx context.Context, e *Entry, cv *ChartVersion, opts Options) (*Chart, error) {
	c, err := NewClient(e, opts)
	if err != nil {
		return nil, err
	}
	u, err := c.ChartURL(cv)
	if err != nil {
		return nil, err
	}
	b, err := c.FetchChart(ctx, cv)
	if err != nil {
		return nil, err
	}
	return c.withProvenance(ctx, &Chart{Archive: b, Version: cv, URL: redact(u), Repo: e.Name}, u)
}

// IsConfigured reports whether ref is "repo/chart" for a repository of the
// config at p (a missing config means no).
func IsConfigured(p Paths, ref string) bool {
	repoName, _, ok := SplitRef(ref)
	if !ok {
		return false
	}
	cfg, err := LoadConfig(p.Config)
	return err == nil && cfg.Get(repoName) != nil
}

// FetchURL downloads a chart archive from an absolute http(s) URL. The
// settings of the configured repository whose URL prefixes it are used;
// otherwise those of fallback (credentials and TLS files given on the
// command line; nil for none).
func FetchURL(ctx context.Context, p Paths, rawURL string, fallback *Entry, opts Options) (*Chart, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("invalid chart URL %q", redact(rawURL))
	}
	e := &Entry{}
	if fallback != nil {
		*e = *fallback
	}
	e.URL = rawURL
	if cfg, err := LoadConfig(p.Config); err == nil {
		for _, r := range cfg.Repositories {
			if strings.HasPrefix(rawURL, strings.TrimSuffix(r.URL, "/")+"/") {
				cp := *r
				cp.URL = rawURL
				e = &cp
				break
			}
		}
	} else if !errors.Is(err, ErrNoRepositories) {
		return nil, err
	}
	c, err := NewClient(e, opts)
	if err != nil {
		return nil, err
	}
	b, err := c.get(ctx, rawURL, c.maxChart)
	if err != nil {
		return nil, err
	}
	return c.withProvenance(ctx, &Chart{Archive: b, URL: redact(rawURL), Repo: e.Name}, rawURL)
}

// withProvenance verifies got (downloaded from rawURL), or only fetches
// its provenance file, when the client's options ask for it.
func (c *Client) withProvenance(ctx context.Context, got *Chart, rawURL string) (*Chart, error) {
	var err error
	if c.verify == nil {
		if c.prov { // fetched, not verified: a missing one is a warning, as in helm
			if got.Prov, err = c.fetchProvenance(ctx, rawURL); err != nil {
				got.Warnings = append(got.Warnings, fmt.Sprintf("Verification not found for %s: %v", redact(rawURL), err))
			}
		}
		return got, nil
	}
	if got.Prov, got.Verified, err = c.verifyProvenance(ctx, rawURL, got.Archive, c.verify); err != nil {
		return nil, err
	}
	return got, nil
}
