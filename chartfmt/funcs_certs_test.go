package chartfmt

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

// TestCertFunctionsMakeValidChains: the pooled-key genCA / genSignedCert /
// genSelfSignedCert return what sprig's do: a CA, a certificate it signs
// for the given names, a self-signed certificate, each with its RSA key.
func TestCertFunctionsMakeValidChains(t *testing.T) {
	ch := &Chart{Metadata: &Metadata{APIVersion: "v2", Name: "certs", Version: "0.1.0"}, Values: map[string]any{}}
	ch.Templates = []*File{{Name: "templates/certs.yaml", Data: []byte(`{{- $ca := genCA "test-ca" 30 }}
{{- $cert := genSignedCert "svc" (list "10.0.0.1") (list "svc.ns" "svc.ns.svc") 30 $ca }}
{{- $self := genSelfSignedCert "self" nil (list "self.local") 30 }}
ca: {{ $ca.Cert | b64enc }}
cert: {{ $cert.Cert | b64enc }}
key: {{ $cert.Key | b64enc }}
self: {{ $self.Cert | b64enc }}
selfKey: {{ $self.Key | b64enc }}
`)}}
	r, err := Render(context.Background(), ch, nil, RenderOptions{ReleaseName: "r", Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{}
	for _, line := range strings.Split(r.Manifests[0].Content, "\n") {
		k, v, _ := strings.Cut(line, ": ")
		b, err := decodeB64(v)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		vals[k] = b
	}
	ca, cert, self := parseCert(t, vals["ca"]), parseCert(t, vals["cert"]), parseCert(t, vals["self"])
	if !ca.IsCA || ca.Subject.CommonName != "test-ca" {
		t.Fatalf("bad CA: %+v", ca.Subject)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "svc.ns.svc", CurrentTime: time.Now()}); err != nil {
		t.Fatalf("signed certificate does not verify against the CA: %v", err)
	}
	if len(cert.IPAddresses) != 1 || cert.IPAddresses[0].String() != "10.0.0.1" {
		t.Fatalf("IPs: %v", cert.IPAddresses)
	}
	if err := self.CheckSignature(self.SignatureAlgorithm, self.RawTBSCertificate, self.Signature); err != nil {
		t.Fatalf("self-signed: %v", err)
	}
	for _, k := range []string{"key", "selfKey"} {
		block, _ := pem.Decode([]byte(vals[k]))
		if block == nil || block.Type != "RSA PRIVATE KEY" {
			t.Fatalf("%s is not a PKCS#1 RSA key", k)
		}
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil || key.N.BitLen() != 2048 {
			t.Fatalf("%s: %v", k, err)
		}
	}
	key, _ := pem.Decode([]byte(vals["key"]))
	priv, _ := x509.ParsePKCS1PrivateKey(key.Bytes)
	if !priv.PublicKey.Equal(cert.PublicKey) {
		t.Fatal("the signed certificate's key does not match its certificate")
	}
}

func parseCert(t *testing.T, s string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		t.Fatalf("no PEM in %q", s)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func decodeB64(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	return string(b), err
}
