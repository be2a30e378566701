package provenance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// MaxKeyringSize bounds a keyring file.
const MaxKeyringSize = 32 << 20

// Keyring is a set of OpenPGP keys: public ones verify, secret ones sign.
type Keyring struct {
	entities openpgp.EntityList
}

// DefaultKeyring is where Helm looks without --keyring:
// $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg.
func DefaultKeyring() string {
	if home := os.Getenv("GNUPGHOME"); home != "" {
		return filepath.Join(home, "pubring.gpg")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".gnupg", "pubring.gpg")
	}
	return filepath.Join(home, ".gnupg", "pubring.gpg")
}

// LoadKeyring reads a keyring file: a binary OpenPGP keyring (what `gpg
// --export` and `gpg --export-secret-keys` write, and Helm reads) or the
// same ASCII-armored. GnuPG 2.1's pubring.kbx is neither: export it.
func LoadKeyring(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to load keyring: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyringSize+1))
	if err != nil {
		return nil, fmt.Errorf("failed to load keyring: %w", err)
	}
	if len(b) > MaxKeyringSize {
		return nil, fmt.Errorf("failed to load keyring: %s is larger than %d bytes", path, MaxKeyringSize)
	}
	ring, err := ReadKeyring(b)
	if err != nil {
		return nil, fmt.Errorf("failed to load keyring: %w", err)
	}
	return ring, nil
}

// ReadKeyring parses keyring bytes (binary or ASCII-armored blocks).
func ReadKeyring(b []byte) (*Keyring, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("-----BEGIN PGP")) {
		el, err := openpgp.ReadKeyRing(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return &Keyring{entities: el}, nil
	}
	// Armored: every block, so that concatenated exports all count.
	var el openpgp.EntityList
	r := bytes.NewReader(b)
	for {
		block, err := armor.Decode(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if block.Type != openpgp.PublicKeyType && block.Type != openpgp.PrivateKeyType {
			return nil, fmt.Errorf("armored block %q is not a key", block.Type)
		}
		got, err := openpgp.ReadKeyRing(block.Body)
		if err != nil {
			return nil, err
		}
		el = append(el, got...)
	}
	if len(el) == 0 {
		return nil, errors.New("no keys found")
	}
	return &Keyring{entities: el}, nil
}

// Len is the number of keys (primary keys with their subkeys).
func (k *Keyring) Len() int { return len(k.entities) }

// SigningKey is a secret key chosen from a keyring to sign with.
type SigningKey struct {
	entity *openpgp.Entity
}

// SigningKey finds the key whose user ID is name, else the one key whose
// user ID contains name (GnuPG's way: "Jane" finds "Jane Doe <jd@…>").
// It must hold the secret key.
func (k *Keyring) SigningKey(name string) (*SigningKey, error) {
	var found *openpgp.Entity
	vague := false
	for _, e := range k.entities {
		for id := range e.Identities {
			if id == name {
				return secret(e)
			}
			if name != "" && strings.Contains(id, name) {
				if found != nil && found != e {
					vague = true
				}
				found = e
			}
		}
	}
	if vague {
		return nil, fmt.Errorf("more than one key contain the id %q", name)
	}
	if found == nil {
		return nil, errors.New("private key not found")
	}
	return secret(found)
}

func secret(e *openpgp.Entity) (*SigningKey, error) {
	if e.PrivateKey == nil {
		return nil, errors.New("provided key is not a private key. Try providing a keyring with secret keys")
	}
	return &SigningKey{entity: e}, nil
}

// Signer names the key.
func (s *SigningKey) Signer() Signer { return signerOf(s.entity) }

// Encrypted reports whether the key needs a passphrase.
func (s *SigningKey) Encrypted() bool { return s.entity.PrivateKey.Encrypted }

// Name is the key's first user ID, what a passphrase prompt shows.
func (s *SigningKey) Name() string {
	if ids := s.Signer().Identities; len(ids) > 0 {
		return ids[0]
	}
	return "Unknown"
}

// Decrypt unlocks an encrypted key (a no-op for a key without passphrase).
func (s *SigningKey) Decrypt(passphrase []byte) error {
	if !s.Encrypted() {
		return nil
	}
	if err := s.entity.PrivateKey.Decrypt(passphrase); err != nil {
		return fmt.Errorf("decrypt key %q: %w", s.Name(), err)
	}
	return nil
}
