package dockertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CertsDir is where dockerd looks for per-registry CAs
// (CertsDir/HOST:PORT/ca.crt); BERTH_DOCKER_CERTS_D overrides it for
// daemons configured elsewhere (rootless: ~/.config/docker/certs.d).
func CertsDir() string {
	if d := os.Getenv("BERTH_DOCKER_CERTS_D"); d != "" {
		return d
	}
	return "/etc/docker/certs.d"
}

// TrustCA makes dockerd trust caFile for host (HOST:PORT) until the test
// ends; the folder it creates is removed then.
func TrustCA(t testing.TB, host, caFile string) {
	t.Helper()
	dir := filepath.Join(CertsDir(), host)
	if _, err := os.Stat(CertsDir()); err != nil {
		// Created below; removed again if empty (Remove fails on a folder
		// that something else has used meanwhile).
		t.Cleanup(func() { _ = os.Remove(CertsDir()) })
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("dockertest: cannot place a CA where dockerd reads it (%v); run the Docker tests as a user who may write %s, or set BERTH_DOCKER_CERTS_D, or %s=1 to skip them", err, CertsDir(), OptOut)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
}

// OutboundIP is a non-loopback IPv4 address of this machine: dockerd
// talks to 127.0.0.0/8 without verifying TLS, so a CA test needs another.
func OutboundIP(t testing.TB) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP
		}
	}
	t.Fatal("dockertest: no non-loopback IPv4 address on this machine")
	return nil
}

// Cert is a fresh CA and a server certificate it signed, as PEM files.
type Cert struct{ CAFile, CertFile, KeyFile string }

// NewCert writes a CA and a server certificate for ip into t.TempDir().
func NewCert(t testing.TB, ip net.IP) Cert {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "berth dockertest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: ip.String()},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{ip}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := Cert{CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "server.pem"), KeyFile: filepath.Join(dir, "server-key.pem")}
	for path, block := range map[string]*pem.Block{
		c.CAFile:   {Type: "CERTIFICATE", Bytes: caDER},
		c.CertFile: {Type: "CERTIFICATE", Bytes: der},
		c.KeyFile:  {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return c
}
