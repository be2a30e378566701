package registrytest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// Registry is a running test registry.
type Registry struct {
	// Host is "127.0.0.1:port", the registry part of references.
	Host string
	// URL is "http://Host" or "https://Host".
	URL string
	// PlainHTTP is true when the registry speaks HTTP without TLS.
	PlainHTTP bool
	// CAFile is the PEM file of the CA that signed the server certificate
	// (TLS variants only), and CertPool the same CA as a pool.
	CAFile   string
	CertPool *x509.CertPool
	// Username and Password may push and pull (empty for anonymous registries).
	Username string
	Password string
	// ReadOnlyUsername and ReadOnlyPassword may pull but not push (bearer only).
	ReadOnlyUsername string
	ReadOnlyPassword string
	// TokenURL is the bearer token realm (bearer only).
	TokenURL string
	// Users are all accounts the registry accepts.
	Users []User
	// Dir holds the registry's storage (Distribution only).
	Dir string

	ca *certAuthority
}

// Start runs a registry for the duration of the test; with no options it is an
// anonymous Distribution over plain HTTP. It fails the test if the registry
// cannot start, and stops it in t.Cleanup.
func Start(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	silenceLogs(o.verbose)
	dir := t.TempDir()
	r := &Registry{PlainHTTP: !o.tls, Dir: filepath.Join(dir, "storage")}
	if o.tls {
		ca, err := newCertAuthority("127.0.0.1", "localhost")
		if err != nil {
			t.Fatalf("registrytest: make CA: %v", err)
		}
		r.ca, r.CertPool = ca, ca.pool
		if r.CAFile, err = ca.writeCA(dir); err != nil {
			t.Fatalf("registrytest: %v", err)
		}
	}
	r.Users = o.users
	if len(r.Users) == 0 && (o.htpasswd || o.bearer) {
		r.Users = defaultUsers(o.bearer)
	}
	r.setCredentials(o.bearer)

	handler, err := r.handler(t, o, dir)
	if err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	srv := r.serve(handler)
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	r.Host = srv.Listener.Addr().String()
	return r
}

// handler builds the registry implementation the options ask for.
func (r *Registry) handler(t testing.TB, o options, dir string) (http.Handler, error) {
	switch {
	case o.memory:
		return memoryHandler(r.Users, o.htpasswd, o.verbose), nil
	case o.bearer:
		ts := startTokenServer(t, r, o.tokenTTL, o.anonPull)
		return newDistribution(t.Context(), distConfig{root: r.Dir, token: ts})
	case o.htpasswd:
		path, err := writeHtpasswd(dir, r.Users)
		if err != nil {
			return nil, err
		}
		return newDistribution(t.Context(), distConfig{root: r.Dir, htpasswd: path})
	}
	return newDistribution(t.Context(), distConfig{root: r.Dir})
}

// serve starts handler on a free 127.0.0.1 port with r's TLS settings.
func (r *Registry) serve(handler http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(handler)
	// Refused handshakes are expected in tests; keep them out of the output.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if r.ca == nil {
		srv.Start()
		return srv
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{r.ca.server}}
	srv.StartTLS()
	return srv
}

// HTTPClient returns a client that trusts the registry's CA (if any).
func (r *Registry) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if r.CertPool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: r.CertPool}
	}
	return &http.Client{Transport: tr}
}

// Ref returns "Host/repo", a reference without scheme.
func (r *Registry) Ref(repo string) string { return r.Host + "/" + repo }

func (r *Registry) setCredentials(bearer bool) {
	for _, u := range r.Users {
		full := !bearer || allows(u.Actions, "push")
		if full && r.Username == "" {
			r.Username, r.Password = u.Name, u.Password
		}
		if !full && r.ReadOnlyUsername == "" {
			r.ReadOnlyUsername, r.ReadOnlyPassword = u.Name, u.Password
		}
	}
}

func defaultUsers(bearer bool) []User {
	users := []User{{Name: "pusher", Password: randomSecret(), Actions: []string{"*"}}}
	if bearer {
		users = append(users, User{Name: "reader", Password: randomSecret(), Actions: []string{"pull"}})
	}
	return users
}

func randomSecret() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func allows(actions []string, action string) bool {
	for _, a := range actions {
		if a == "*" || a == action {
			return true
		}
	}
	return false
}
