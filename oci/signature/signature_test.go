package signature

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

const subject = "sha256:0123456789012345678901234567890123456789012345678901234567890123"

func newKey(t *testing.T, password string) (*PrivateKey, *PublicKey) {
	t.Helper()
	priv, pub, err := GenerateKeyPair([]byte(password))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(priv), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----") || !strings.HasPrefix(string(pub), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("key pair PEM types:\n%s\n%s", priv, pub)
	}
	k, err := ParsePrivateKey(priv, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePublicKey(pub, "cosign.pub")
	if err != nil {
		t.Fatal(err)
	}
	return k, p
}

// TestSignVerify: a signature verifies with its key and claimed digest
// only.
func TestSignVerify(t *testing.T) {
	k, pub := newKey(t, "")
	_, other := newKey(t, "x")
	s, err := Sign(k, "registry.example.com/charts/app", subject)
	if err != nil {
		t.Fatal(err)
	}
	// Byte equality with cosign's own payload is proven against the oracle
	// (cli TestSignaturesInteropWithCosign, `cosign generate`).
	if claimed, err := claimedDigest(s.Payload); err != nil || claimed != subject {
		t.Fatalf("payload %s claims %q, %v", s.Payload, claimed, err)
	}
	if got, err := Verify([]*PublicKey{other, pub}, s, subject); err != nil || got != pub {
		t.Fatalf("Verify = %v, %v", got, err)
	}
	if _, err := Verify([]*PublicKey{other}, s, subject); err != ErrNoKeyMatches {
		t.Fatalf("another key: %v", err)
	}
	if _, err := Verify([]*PublicKey{pub}, s, "sha256:"+strings.Repeat("f", 64)); err == nil || !strings.Contains(err.Error(), "signature is over "+subject) {
		t.Fatalf("another digest: %v", err)
	}
	tampered := s
	tampered.Payload = []byte(strings.Replace(string(s.Payload), "charts", "chartz", 1))
	if _, err := Verify([]*PublicKey{pub}, tampered, subject); err != ErrNoKeyMatches {
		t.Fatalf("tampered payload: %v", err)
	}
}

// TestKeysRefused: wrong passwords, unencrypted keys and unsupported key
// types are refused with a reason.
func TestKeysRefused(t *testing.T) {
	priv, _, err := GenerateKeyPair([]byte("right"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePrivateKey(priv, []byte("wrong")); err == nil || !strings.Contains(err.Error(), "COSIGN_PASSWORD") {
		t.Fatalf("wrong password: %v", err)
	}
	plain, pub, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePrivateKey(plain, nil); err == nil || !strings.Contains(err.Error(), `PEM type "PRIVATE KEY"`) {
		t.Fatalf("unencrypted key: %v", err)
	}
	if _, err := ParsePrivateKey([]byte("not a key"), nil); err == nil {
		t.Fatal("garbage accepted as a key")
	}
	if _, err := ParsePublicKey(pub, "ok.pub"); err != nil {
		t.Fatal(err)
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edPEM, err := cryptoutils.MarshalPublicKeyToPEM(edPub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePublicKey(edPEM, "ed.pub"); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("ed25519 key: %v", err)
	}
}
