package registrytest

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// ServerCert is a CA and a server certificate for 127.0.0.1 and localhost,
// as PEM files, for tests that run their own TLS server (berth registry serve).
type ServerCert struct {
	CAFile, CertFile, KeyFile string
	CertPool                  *x509.CertPool
}

// NewServerCert writes a fresh CA and server certificate into t.TempDir().
func NewServerCert(t testing.TB) ServerCert {
	t.Helper()
	ca, err := newCertAuthority("127.0.0.1", "localhost")
	if err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	dir := t.TempDir()
	sc := ServerCert{CertPool: ca.pool, CertFile: filepath.Join(dir, "server.pem"), KeyFile: filepath.Join(dir, "server-key.pem")}
	if sc.CAFile, err = ca.writeCA(dir); err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	var certPEM []byte
	for _, der := range ca.server.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyDER, err := x509.MarshalECPrivateKey(ca.server.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	if err := os.WriteFile(sc.CertFile, certPEM, 0o644); err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	if err := os.WriteFile(sc.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatalf("registrytest: %v", err)
	}
	return sc
}
