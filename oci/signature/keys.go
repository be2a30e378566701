package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	sigsig "github.com/sigstore/sigstore/pkg/signature"
)

// PEM types of cosign's encrypted private keys (the second is the older one).
const (
	encryptedType       = string(cryptoutils.EncryptedSigstorePrivateKeyPEMType)
	encryptedCosignType = "ENCRYPTED COSIGN PRIVATE KEY"
)

// maxKeyFile bounds a key file read into memory; real ones are under 4 KiB.
const maxKeyFile = 64 << 10

// PrivateKey signs payloads. It comes from cosign's encrypted key file.
type PrivateKey struct {
	sv sigsig.SignerVerifier
}

// PublicKey verifies signatures; Name says where it came from (its file)
// for error messages.
type PublicKey struct {
	Name string
	v    sigsig.Verifier
}

// ParsePrivateKey decrypts a cosign private key (PEM "ENCRYPTED SIGSTORE
// PRIVATE KEY", or the older "ENCRYPTED COSIGN PRIVATE KEY") with password.
func ParsePrivateKey(pemBytes, password []byte) (*PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("not a PEM file")
	}
	if block.Type != encryptedType && block.Type != encryptedCosignType {
		return nil, fmt.Errorf("PEM type %q: want %q, a key from cosign generate-key-pair or berth key generate", block.Type, encryptedType)
	}
	priv, err := cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, staticPassword(password))
	if err != nil {
		return nil, fmt.Errorf("decrypt private key (is COSIGN_PASSWORD right?): %w", err)
	}
	switch priv.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		return nil, fmt.Errorf("private key type %T is not supported (want ECDSA or RSA)", priv)
	}
	sv, err := sigsig.LoadSignerVerifier(priv, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("load private key: %w", err)
	}
	return &PrivateKey{sv: sv}, nil
}

// ReadPrivateKey reads and decrypts the key file at path.
func ReadPrivateKey(path string, password []byte) (*PrivateKey, error) {
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(b, password)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Public returns the verifying half of k.
func (k *PrivateKey) Public() (*PublicKey, error) {
	pub, err := k.sv.PublicKey()
	if err != nil {
		return nil, err
	}
	v, err := sigsig.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return &PublicKey{Name: "the signing key", v: v}, nil
}

// ParsePublicKey reads a PEM public key ("PUBLIC KEY", PKIX) as cosign
// writes it to cosign.pub.
func ParsePublicKey(pemBytes []byte, name string) (*PublicKey, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", name, err)
	}
	switch pub.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
	default:
		return nil, fmt.Errorf("public key %s: type %T is not supported (want ECDSA or RSA)", name, pub)
	}
	v, err := sigsig.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", name, err)
	}
	return &PublicKey{Name: name, v: v}, nil
}

// ReadPublicKeys reads each path as a PEM public key.
func ReadPublicKeys(paths []string) ([]*PublicKey, error) {
	if len(paths) == 0 {
		return nil, errors.New("no public key given (--key cosign.pub)")
	}
	keys := make([]*PublicKey, 0, len(paths))
	for _, p := range paths {
		b, err := readKeyFile(p)
		if err != nil {
			return nil, err
		}
		k, err := ParsePublicKey(b, p)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// GenerateKeyPair makes an ECDSA P-256 key pair as `cosign generate-key-pair`
// does: the private key PKCS#8, encrypted with password (scrypt +
// secretbox), PEM "ENCRYPTED SIGSTORE PRIVATE KEY"; the public key PKIX PEM.
func GenerateKeyPair(password []byte) (privPEM, pubPEM []byte, err error) {
	privPEM, pubPEM, err = cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), staticPassword(password))
	if err != nil {
		return nil, nil, fmt.Errorf("generate key pair: %w", err)
	}
	return privPEM, pubPEM, nil
}

// staticPassword never yields nil: to cryptoutils nil means "no
// encryption", while an empty password still encrypts, as in cosign.
func staticPassword(p []byte) cryptoutils.PassFunc {
	if p == nil {
		p = []byte{}
	}
	return func(bool) ([]byte, error) { return p, nil }
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("key file %s is larger than %d bytes", path, maxKeyFile)
	}
	return b, nil
}
