// Package pgptest makes OpenPGP keyrings for tests: real keys generated
// with go-crypto, written as binary keyrings the way `gpg --export` and
// `gpg --export-secret-keys` write them.
package pgptest

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Key is a generated key: its user ID, fingerprint (upper-case hex) and
// keyring files holding only its public half and its secret half.
type Key struct {
	Name        string // "NAME <EMAIL>"
	Fingerprint string
	PublicRing  string
	SecretRing  string
}

// NewKey generates an RSA-2048 signing key for "name <email>" in t's temp
// directory; with a passphrase the secret keyring is encrypted.
func NewKey(t testing.TB, name, email, passphrase string) Key {
	t.Helper()
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 2048}
	e, err := openpgp.NewEntity(name, "", email, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var pub, sec bytes.Buffer
	if err := e.Serialize(&pub); err != nil {
		t.Fatal(err)
	}
	if passphrase != "" {
		if err := e.EncryptPrivateKeys([]byte(passphrase), nil); err != nil {
			t.Fatal(err)
		}
		err = e.SerializePrivateWithoutSigning(&sec, nil)
	} else {
		err = e.SerializePrivate(&sec, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	k := Key{Name: name + " <" + email + ">", Fingerprint: strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint)),
		PublicRing: filepath.Join(dir, "pubring.gpg"), SecretRing: filepath.Join(dir, "secring.gpg")}
	if err := os.WriteFile(k.PublicRing, pub.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(k.SecretRing, sec.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// Ring concatenates the public keyrings of keys into one file, as `gpg
// --export` of several keys writes it.
func Ring(t testing.TB, keys ...Key) string {
	t.Helper()
	var all []byte
	for _, k := range keys {
		b, err := os.ReadFile(k.PublicRing)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	p := filepath.Join(t.TempDir(), "pubring.gpg")
	if err := os.WriteFile(p, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
