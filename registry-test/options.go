package registrytest

import "time"

// Option selects a registry variant or tunes it.
type Option func(*options)

type options struct {
	memory   bool
	tls      bool
	htpasswd bool
	bearer   bool
	users    []User
	tokenTTL time.Duration
	verbose  bool
	anonPull bool
}

// User is an account of an authenticating registry. Actions are the
// repository actions the token server grants ("pull", "push", "delete", or
// "*" for everything including the catalog); htpasswd and basic-auth
// registries ignore them and let every valid user do everything.
type User struct {
	Name     string
	Password string
	Actions  []string
}

// TLS serves HTTPS with a certificate from a CA generated for this registry
// (Registry.CAFile, Registry.CertPool).
func TLS() Option { return func(o *options) { o.tls = true } }

// Htpasswd requires HTTP basic auth: Distribution's htpasswd access
// controller, or a basic-auth middleware in front of the in-memory registry.
func Htpasswd() Option { return func(o *options) { o.htpasswd = true } }

// HtpasswdTLS is variant 2: htpasswd basic auth over TLS.
func HtpasswdTLS() Option { return func(o *options) { o.htpasswd, o.tls = true, true } }

// Bearer is variant 3: Distribution's token access controller trusting a
// token server that registrytest runs, like Docker Hub or Harbor. The default
// users are a pusher (pull, push, delete, catalog) and a read-only reader.
func Bearer() Option { return func(o *options) { o.bearer = true } }

// InMemory is variant 4: go-containerregistry's in-memory registry with the
// referrers API, instead of Distribution.
func InMemory() Option { return func(o *options) { o.memory = true } }

// WithUsers replaces the default accounts of an authenticating registry.
func WithUsers(users ...User) Option { return func(o *options) { o.users = users } }

// TokenTTL sets the lifetime of issued bearer tokens; a negative value beyond
// Distribution's 60 s leeway yields tokens that are already expired.
func TokenTTL(d time.Duration) Option { return func(o *options) { o.tokenTTL = d } }

// AnonymousPull lets the bearer token server grant pull to clients without
// credentials, as Docker Hub and GHCR do for public repositories.
func AnonymousPull() Option { return func(o *options) { o.anonPull = true } }

// Verbose keeps the registry's own log output (silenced by default).
func Verbose() Option { return func(o *options) { o.verbose = true } }

// Variant is a named set of options, for tests that run against every kind of
// registry.
type Variant struct {
	Name    string
	Options []Option
}

// Variants returns the four registry variants of the test bed.
func Variants() []Variant {
	return []Variant{
		{Name: "anonymous", Options: nil},
		{Name: "htpasswd-tls", Options: []Option{HtpasswdTLS()}},
		{Name: "bearer", Options: []Option{Bearer()}},
		{Name: "memory", Options: []Option{InMemory(), Htpasswd()}},
	}
}
