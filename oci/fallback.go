package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// usedStored records hosts for which stored credentials were handed out, so
// a refusal can be told apart from a registry that needs credentials.
type usedStored struct{ hosts sync.Map }

func (u *usedStored) mark(host string)     { u.hosts.Store(host, true) }
func (u *usedStored) has(host string) bool { _, ok := u.hosts.Load(host); return ok }

// isAuthRefusal reports a 401 or 403 answer.
func isAuthRefusal(err error) bool {
	var e *errcode.ErrorResponse
	return errors.As(err, &e) && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// anonymous returns a copy of c that sends no credentials.
func (c *Client) anonymous() *Client {
	anon := *c
	client := *c.auth
	client.Cache = auth.NewCache()
	client.Credential = func(context.Context, string) (auth.Credential, error) { return auth.EmptyCredential, nil }
	anon.auth = &client
	return &anon
}

// pullWithFallback retries a pull anonymously when the registry refused
// credentials that came from a config file (stale logins are common and
// Helm then fails even for public charts: helm/helm#13594). Credentials
// given as flags are never second-guessed.
func (c *Client) pullWithFallback(ctx context.Context, r Reference, pull func(*Client) (*PullResult, error)) (*PullResult, error) {
	res, err := pull(c)
	if err == nil || !isAuthRefusal(err) || c.opts.Username != "" || !c.creds.used.has(refForOras(r).Host()) {
		return res, explainRefusal(err, r.Registry, "pull")
	}
	res, anonErr := pull(c.anonymous())
	if anonErr != nil {
		return nil, explainRefusal(err, r.Registry, "pull")
	}
	res.Warnings = append(res.Warnings, "the credentials stored for "+r.Registry+
		" were refused; pulled anonymously (run `berth registry login` to renew them)")
	return res, nil
}

// explainRefusal adds what to do to a 401/403 from the registry; the
// registry's own message stays in the chain.
func explainRefusal(err error, host, action string) error {
	if !isAuthRefusal(err) {
		return err
	}
	return fmt.Errorf("%w\n(the registry refused to let these credentials %s; log in with `berth registry login %s`, or check the account's access to this repository)", err, action, host)
}
