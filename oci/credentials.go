package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
)

// credentialStore looks credentials up in Docker's config.json (with its
// credsStore / credHelpers) and then in Helm's registry config. Logins are
// written to Docker's file, which both Docker and berth read.
type credentialStore struct {
	opts Options
	used usedStored
}

func newCredentialStore(opts Options) *credentialStore { return &credentialStore{opts: opts} }

// credential is the auth.CredentialFunc: static flags win, then the stores.
func (s *credentialStore) credential(ctx context.Context, hostport string) (auth.Credential, error) {
	if s.opts.Username != "" || s.opts.Password != "" {
		return auth.Credential{Username: s.opts.Username, Password: s.opts.Password}, nil
	}
	// hostport is the HTTP host (registry-1.docker.io for docker.io); Docker
	// files the Hub's credentials under https://index.docker.io/v1/.
	server := credentials.ServerAddressFromHostname(hostport)
	for _, path := range []string{s.opts.dockerConfigPath(), s.opts.helmRegistryConfigPath()} {
		cred, err := lookup(ctx, path, server)
		if err != nil {
			return auth.EmptyCredential, err
		}
		if cred != auth.EmptyCredential {
			s.used.mark(hostport)
			return cred, nil
		}
	}
	return auth.EmptyCredential, nil
}

// lookup reads one config file; a missing file holds no credentials.
func lookup(ctx context.Context, path, server string) (auth.Credential, error) {
	if path == "" {
		return auth.EmptyCredential, nil
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return auth.EmptyCredential, nil
	}
	store, err := credentials.NewStore(path, credentials.StoreOptions{})
	if err != nil {
		return auth.EmptyCredential, fmt.Errorf("read credentials from %s: %w", path, err)
	}
	cred, err := store.Get(ctx, server)
	if err != nil {
		return auth.EmptyCredential, helperError(path, server, err)
	}
	return cred, nil
}

// helperError explains a failing credential helper without echoing its output
// (which might contain a secret).
func helperError(path, server string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "executable file not found") {
		return fmt.Errorf("credentials for %s: %s names a credential helper that is not installed (%s); install it, or remove credsStore/credHelpers from that file",
			server, path, firstQuoted(msg))
	}
	return fmt.Errorf("credentials for %s from %s: credential helper failed", server, path)
}

func firstQuoted(s string) string {
	if i := strings.Index(s, `"`); i >= 0 {
		if j := strings.Index(s[i+1:], `"`); j >= 0 {
			return s[i+1 : i+1+j]
		}
	}
	return "docker-credential-*"
}

// dockerStore opens Docker's config for writing logins.
func (s *credentialStore) dockerStore() (credentials.Store, string, error) {
	path := s.opts.dockerConfigPath()
	store, err := credentials.NewStore(path, credentials.StoreOptions{AllowPlaintextPut: true})
	if err != nil {
		return nil, path, fmt.Errorf("open %s: %w", path, err)
	}
	return store, path, nil
}

// Login checks the credentials against host's /v2/ endpoint and stores them
// in Docker's config.json (its credsStore or helper if it names one).
func (c *Client) Login(ctx context.Context, host, username, password string) error {
	if err := validateHost(host); err != nil {
		return err
	}
	store, _, err := c.creds.dockerStore()
	if err != nil {
		return err
	}
	reg := c.registry(host)
	// Check with exactly these credentials, not whatever is stored already.
	client := *c.auth
	client.Cache = auth.NewCache()
	cred := auth.Credential{Username: username, Password: password}
	// Not StaticCredential(host): docker.io is reached as registry-1.docker.io.
	client.Credential = func(context.Context, string) (auth.Credential, error) { return cred, nil }
	reg.Client = &client
	if err := credentials.Login(ctx, store, reg, cred); err != nil {
		return fmt.Errorf("login to %s: %w", host, err)
	}
	return nil
}

// Logout removes host's credentials from Docker's config.json.
func (c *Client) Logout(ctx context.Context, host string) error {
	if err := validateHost(host); err != nil {
		return err
	}
	store, path, err := c.creds.dockerStore()
	if err != nil {
		return err
	}
	cred, err := store.Get(ctx, credentials.ServerAddressFromRegistry(host))
	if err == nil && cred == auth.EmptyCredential {
		return fmt.Errorf("logout %s: not logged in (no entry in %s)", host, path)
	}
	if err := credentials.Logout(ctx, store, host); err != nil {
		return fmt.Errorf("logout %s: %w", host, err)
	}
	return nil
}

func validateHost(host string) error {
	if strings.Contains(host, "://") || strings.Contains(host, "/") {
		return fmt.Errorf("registry %q: give the host[:port] only, without scheme or path", host)
	}
	r := registry.Reference{Registry: host}
	if err := r.ValidateRegistry(); err != nil {
		return fmt.Errorf("registry %q: %w", host, err)
	}
	return nil
}
