package oci

import (
	"context"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/authn"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/berth-dev/berth/oci/image"
)

// ImageOptions returns options for package oci/image that reach registries
// exactly as c does: the same TLS settings, retries and debug log, and the
// same credentials (flags, Docker's config, Helm's registry config), with
// archive digests cached beside the chart cache.
func (c *Client) ImageOptions() image.Options {
	return image.Options{
		Transport: c.http.Transport,
		Keychain:  keychain{c.creds},
		PlainHTTP: c.opts.PlainHTTP,
		UserAgent: c.opts.UserAgent,
		// Beside the chart cache: unchanged archives are not hashed again.
		DigestCacheDir: filepath.Join(c.opts.cacheDir(), "archive-digests"),
	}
}

// keychain adapts the client's credential lookup to go-containerregistry.
type keychain struct{ s *credentialStore }

func (k keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), r)
}

func (k keychain) ResolveContext(ctx context.Context, r authn.Resource) (authn.Authenticator, error) {
	cred, err := k.s.credential(ctx, r.RegistryStr())
	if err != nil {
		return nil, err
	}
	if cred == auth.EmptyCredential {
		return authn.Anonymous, nil
	}
	return authn.FromConfig(authn.AuthConfig{
		Username:      cred.Username,
		Password:      cred.Password,
		IdentityToken: cred.RefreshToken,
		RegistryToken: cred.AccessToken,
	}), nil
}
