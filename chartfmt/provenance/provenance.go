// Package provenance reads, verifies and writes Helm's chart provenance
// files (CHART.tgz.prov): an OpenPGP clearsigned message holding the
// chart's metadata and the SHA-256 of the archive, as `helm package
// --sign` writes them and `helm verify` checks them. Written from the
// format's description in docs/signing.md; the OpenPGP work is done by
// github.com/ProtonMail/go-crypto, the library Helm uses too.
package provenance

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
)

// Ext is the suffix of a provenance file: CHART.tgz.prov.
const Ext = ".prov"

// MaxSize bounds a provenance file read from a repository or disk: the
// metadata of one chart and a signature are a few KiB.
const MaxSize = 1 << 20

// separator ends the metadata document: YAML's document end marker, since
// a "---" line is not allowed inside a clearsigned message.
const separator = "\n...\n"

// config is what Helm signs with: SHA-512 over the clearsigned text.
func config() *packet.Config { return &packet.Config{DefaultHash: crypto.SHA512} }

// Sums is the second document of the message: the archive's digest under
// its file name ("sha256:<hex>"), and image digests, which nothing checks.
type Sums struct {
	Files  map[string]string `json:"files"`
	Images map[string]string `json:"images,omitempty"`
}

// File is a parsed provenance file; its signature is not checked yet.
type File struct {
	// Metadata is the chart's Chart.yaml as it was signed. Helm does not
	// compare it with the chart, and neither does Verify.
	Metadata *chartfmt.Metadata
	Sums     Sums
	block    *clearsign.Block
}

// Parse reads a provenance file: the clearsigned block, then its message.
func Parse(prov []byte) (*File, error) {
	block, _ := clearsign.Decode(prov)
	if block == nil {
		return nil, errors.New("signature block not found")
	}
	parts := bytes.Split(block.Plaintext, []byte(separator))
	if len(parts) < 2 {
		return nil, errors.New("message block must have at least two parts")
	}
	f := &File{Metadata: &chartfmt.Metadata{}, block: block}
	if err := yaml.Unmarshal(parts[0], f.Metadata); err != nil {
		return nil, fmt.Errorf("provenance metadata: %w", err)
	}
	if err := yaml.Unmarshal(parts[1], &f.Sums); err != nil {
		return nil, fmt.Errorf("provenance checksums: %w", err)
	}
	return f, nil
}

// Verification is what a successful Verify established.
type Verification struct {
	// Signer is the key that made the signature.
	Signer Signer
	// FileName and FileHash ("sha256:<hex>") are the archive that matched.
	FileName string
	FileHash string
}

// Signer names an OpenPGP key: its user IDs and its fingerprint.
type Signer struct {
	Identities  []string // sorted
	Fingerprint string   // upper-case hex, as gpg prints it
}

// String is "NAME <EMAIL> (FINGERPRINT)", the first identity only.
func (s Signer) String() string {
	if len(s.Identities) == 0 {
		return s.Fingerprint
	}
	return s.Identities[0] + " (" + s.Fingerprint + ")"
}

func signerOf(e *openpgp.Entity) Signer {
	s := Signer{Fingerprint: strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))}
	for name := range e.Identities {
		s.Identities = append(s.Identities, name)
	}
	sort.Strings(s.Identities)
	return s
}

// Verify checks prov as `helm verify` does: its signature must be made by
// a key of ring (any key), and its files entry for fileName (the archive's
// base name: a renamed archive does not verify) must be the SHA-256 of
// archive.
func Verify(ring *Keyring, archive []byte, fileName string, prov []byte) (*Verification, error) {
	f, err := Parse(prov)
	if err != nil {
		return nil, err
	}
	signer, err := openpgp.CheckDetachedSignature(ring.entities, bytes.NewReader(f.block.Bytes), f.block.ArmoredSignature.Body, config())
	if err != nil {
		return nil, err
	}
	sum := Digest(archive)
	want, ok := f.Sums.Files[fileName]
	if !ok {
		return nil, fmt.Errorf("provenance does not contain a SHA for a file named %q", fileName)
	}
	if want != sum {
		return nil, fmt.Errorf("sha256 sum does not match for %s: %q != %q", fileName, want, sum)
	}
	return &Verification{Signer: signerOf(signer), FileName: fileName, FileHash: sum}, nil
}

// Digest is "sha256:<hex>" of an archive, as the files entry holds it.
func Digest(archive []byte) string {
	sum := sha256.Sum256(archive)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Message is the text that Sign clearsigns for an archive: the chart's
// metadata as YAML (the archive's Chart.yaml re-serialized, as `helm
// show chart` prints it), the separator, and the files entry.
func Message(archive []byte, fileName string) ([]byte, error) {
	ch, err := chartfmt.LoadArchive(bytes.NewReader(archive))
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", fileName, err)
	}
	meta, err := yaml.Marshal(ch.Metadata)
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", fileName, err)
	}
	sums, err := yaml.Marshal(Sums{Files: map[string]string{fileName: Digest(archive)}})
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", fileName, err)
	}
	out := append(meta, separator...)
	return append(out, sums...), nil
}

// Sign writes the provenance file of archive, saved as fileName (its base
// name, which the signature covers), with key's private key.
func Sign(key *SigningKey, archive []byte, fileName string) ([]byte, error) {
	msg, err := Message(archive, fileName)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w, err := clearsign.Encode(&out, key.entity.PrivateKey, config())
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", fileName, err)
	}
	if _, err := w.Write(msg); err != nil {
		return nil, fmt.Errorf("sign %s: %w", fileName, err)
	}
	if err := w.Close(); err != nil { // the signature is made here
		return nil, fmt.Errorf("failed to either sign or armor message block: %w", err)
	}
	return out.Bytes(), nil
}
