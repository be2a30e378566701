package oci

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/berth-dev/berth/oci/image"
)

// ImageOptions returns options for package oci/image that reach registries
// exactly as c does: the same TLS settings, retries and debug log, the same
// credentials (flags, Docker's config, Helm's registry config) and token
// cache, with archive digests cached beside the chart cache.
func (c *Client) ImageOptions() image.Options {
	return image.Options{
		Transport: authTransport{c.auth},
		PlainHTTP: c.opts.PlainHTTP,
		UserAgent: c.opts.UserAgent,
		// Unchanged archives are not hashed again.
		DigestCacheDir: filepath.Join(c.opts.cacheDir(), "archive-digests"),
	}
}

// authTransport answers auth challenges below go-containerregistry with the
// client's oras auth, so go-containerregistry sees an open registry. Beyond
// sharing tokens with chart commands, this matters for registries whose
// token server is on another private host or port: go-containerregistry
// v0.22 refuses such realms (an SSRF guard), oras accepts the realm of a
// registry the user named. Each request carries the repository scopes its
// path needs, so a streamed upload finds its push token in the cache on
// the first try (its body cannot be replayed after a 401).
type authTransport struct{ c *auth.Client }

func (t authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if scopes := requestScopes(req); len(scopes) > 0 {
		host := req.Host
		if host == "" {
			host = req.URL.Host
		}
		req = req.WithContext(auth.WithScopesForHost(req.Context(), host, auth.CleanScopes(scopes)...))
	}
	resp, err := t.c.Do(req)
	if ue, ok := err.(*url.Error); ok {
		// go-containerregistry's client says which request failed again.
		return nil, ue.Err
	}
	return resp, err
}

// requestScopes derives the token scopes of a registry API request:
// pull for reads, pull+push for writes, and pull on the source repository
// of a cross-repository mount.
func requestScopes(req *http.Request) []string {
	p, ok := strings.CutPrefix(req.URL.Path, "/v2/")
	if !ok {
		return nil
	}
	var repo string
	for _, marker := range []string{"/blobs/", "/manifests/", "/tags/", "/referrers/"} {
		if i := strings.LastIndex(p, marker); i > 0 {
			repo = p[:i]
			break
		}
	}
	if repo == "" {
		return nil
	}
	actions := []string{"pull"}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		actions = append(actions, "push")
	}
	scopes := []string{auth.ScopeRepository(repo, actions...)}
	if from := req.URL.Query().Get("from"); from != "" {
		scopes = append(scopes, auth.ScopeRepository(from, "pull"))
	}
	return scopes
}
