package chartrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrRepoUnreachable is wrapped by FindInRepoURL's error when the
// repository's index cannot be downloaded or read.
var ErrRepoUnreachable = errors.New("not a valid chart repository or cannot be reached")

// FindInRepoURL downloads the chart name that version selects (a version
// or range, "" = newest stable; see VersionConstraint) from the repository
// at e.URL, without it being configured: the index is read now and cached
// nowhere, as `helm install --repo URL NAME` does. e carries the
// credentials and TLS files given for that repository; the credentials go
// to the chart's URL only when it has the repository's scheme and host, or
// when e.PassCredentialsAll is set.
func FindInRepoURL(ctx context.Context, e *Entry, name, version string, opts Options) (*Chart, error) {
	repo := *e
	if repo.Name == "" {
		repo.Name = redact(e.URL)
	}
	c, err := NewClient(&repo, opts)
	if err != nil {
		return nil, err
	}
	_, idx, err := c.FetchIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("looks like %q is %w: %w", redact(e.URL), ErrRepoUnreachable, err)
	}
	what := fmt.Sprintf("chart %q", name)
	if version != "" {
		what += fmt.Sprintf(" version %q", version)
	}
	cv, err := idx.Get(strings.TrimSpace(name), strings.TrimSpace(version))
	if err != nil {
		return nil, fmt.Errorf("%s not found in %s repository", what, redact(e.URL))
	}
	if len(cv.URLs) == 0 {
		return nil, fmt.Errorf("%s has no downloadable URLs", what)
	}
	got, err := fetchVersion(ctx, &repo, cv, opts)
	if err != nil {
		return nil, err
	}
	got.Repo = ""
	return got, nil
}
