package registrytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/registry/auth/token"
	"github.com/go-jose/go-jose/v4"
)

// tokenServer issues JWTs the way Docker Hub's auth service does: the client
// presents basic credentials to the realm with service and scope parameters
// and gets a token whose access claim lists the granted repository actions.
type tokenServer struct {
	realm, service, issuer string
	certFile               string
	signer                 jose.Signer
	users                  []User
	ttl                    time.Duration
	anonPull               bool
}

func startTokenServer(t testing.TB, r *Registry, ttl time.Duration, anonPull bool) *tokenServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("registrytest: token key: %v", err)
	}
	certFile, err := writeSigningCert(t.TempDir(), key)
	if err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	// Distribution trusts a key from rootcertbundle by its JWK thumbprint in "kid".
	jwk := jose.JSONWebKey{Key: key, KeyID: token.GetJWKThumbprint(&key.PublicKey)}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jwk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatalf("registrytest: token signer: %v", err)
	}
	if ttl == 0 {
		ttl = 5 * time.Minute
	}
	ts := &tokenServer{service: "registrytest", issuer: "registrytest-issuer", certFile: certFile,
		signer: signer, users: r.Users, ttl: ttl, anonPull: anonPull}
	srv := r.serve(http.HandlerFunc(ts.handle))
	t.Cleanup(srv.Close)
	ts.realm = srv.URL + "/token"
	r.TokenURL = ts.realm
	return ts
}

func writeSigningCert(dir string, key *ecdsa.PrivateKey) (string, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "registrytest token signer"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", fmt.Errorf("token signing cert: %w", err)
	}
	p := filepath.Join(dir, "token-signer.pem")
	return p, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// handle serves GET (basic auth, Docker's token protocol) and POST (OAuth2
// password grant, used by clients that force OAuth2) token requests.
func (ts *tokenServer) handle(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name, pass, hasCreds := req.BasicAuth()
	scopes := req.Form["scope"]
	if req.Method == http.MethodPost {
		name, pass = req.PostForm.Get("username"), req.PostForm.Get("password")
		hasCreds = req.PostForm.Get("grant_type") == "password"
		scopes = strings.Fields(strings.Join(scopes, " "))
	}
	if req.Form.Get("service") != ts.service {
		writeAuthError(w, http.StatusBadRequest, "DENIED", "unknown service "+req.Form.Get("service"))
		return
	}
	var allowed []string
	if ts.anonPull {
		allowed = []string{"pull"}
	}
	if hasCreds {
		u, ok := ts.user(name, pass)
		if !ok {
			writeAuthError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required: wrong username or password")
			return
		}
		allowed = u.Actions
	}
	tok, err := ts.sign(name, grant(scopes, allowed))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token": tok, "access_token": tok, "expires_in": int(ts.ttl.Seconds()), "issued_at": time.Now().UTC().Format(time.RFC3339),
	})
}

func (ts *tokenServer) user(name, pass string) (User, bool) {
	for _, u := range ts.users {
		if u.Name == name && u.Password == pass {
			return u, true
		}
	}
	return User{}, false
}

func (ts *tokenServer) sign(subject string, access []*token.ResourceActions) (string, error) {
	now := time.Now()
	claims := token.ClaimSet{
		Issuer: ts.issuer, Subject: subject, Audience: token.AudienceList{ts.service},
		Expiration: now.Add(ts.ttl).Unix(), NotBefore: now.Add(-time.Minute).Unix(), IssuedAt: now.Unix(),
		JWTID: randomSecret(), Access: access,
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	sig, err := ts.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return sig.CompactSerialize()
}

// grant intersects the requested scopes ("repository:ns/name:pull,push",
// "registry:catalog:*") with the user's actions.
func grant(scopes, allowed []string) []*token.ResourceActions {
	out := []*token.ResourceActions{}
	for _, scope := range scopes {
		typ, rest, ok := strings.Cut(scope, ":")
		i := strings.LastIndex(rest, ":")
		if !ok || i < 0 {
			continue
		}
		ra := &token.ResourceActions{Type: typ, Name: rest[:i], Actions: []string{}}
		for _, a := range strings.Split(rest[i+1:], ",") {
			if allows(allowed, a) && (typ == "repository" || allows(allowed, "*")) {
				ra.Actions = append(ra.Actions, a)
			}
		}
		out = append(out, ra)
	}
	return out
}

func writeAuthError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}
