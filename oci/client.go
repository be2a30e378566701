package oci

import (
	"net/http"

	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// Client talks to OCI registries for chart commands. It is safe for
// concurrent use; tokens are cached per client.
type Client struct {
	opts  Options
	http  *http.Client
	auth  *auth.Client
	creds *credentialStore
	cache *Cache
}

// NewClient validates opts (TLS files, conflicting flags) and builds a client.
func NewClient(opts Options) (*Client, error) {
	rt, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: opts, http: &http.Client{Transport: rt}, cache: NewCache(opts.cacheDir())}
	c.creds = newCredentialStore(opts)
	c.auth = &auth.Client{
		Client:     c.http,
		Cache:      auth.NewCache(),
		Credential: c.creds.credential,
	}
	if opts.UserAgent != "" {
		c.auth.SetUserAgent(opts.UserAgent)
	}
	return c, nil
}

// Cache returns the client's content cache.
func (c *Client) Cache() *Cache { return c.cache }

func (c *Client) repository(ref Reference) *remote.Repository {
	return &remote.Repository{
		Client:    c.auth,
		Reference: refForOras(ref),
		PlainHTTP: c.opts.PlainHTTP,
		// Registries without the referrers API fall back to the tag schema.
		SkipReferrersGC: true,
	}
}

func (c *Client) registry(host string) *remote.Registry {
	reg := &remote.Registry{}
	reg.Client, reg.PlainHTTP = c.auth, c.opts.PlainHTTP
	reg.Reference.Registry = host
	return reg
}
