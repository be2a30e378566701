package signature

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sigstore/sigstore/pkg/signature/payload"
)

// Layout constants shared with cosign v2.
const (
	// PayloadMediaType is the media type of a signature layer: the payload.
	PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	// SignatureAnnotation holds the base64 signature on the layer descriptor.
	SignatureAnnotation = "dev.cosignproject.cosign/signature"
	// ArtifactType marks an OCI 1.1 referrer that holds signatures.
	ArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"
	// TagSuffix ends the tag that holds an artifact's signatures.
	TagSuffix = ".sig"
	// MaxPayload bounds a payload read from a registry (real ones are a few
	// hundred bytes; the optional annotations are the only variable part).
	MaxPayload = 64 << 10
)

// Tag returns the tag that holds the signatures of the manifest digest:
// "sha256-<hex>.sig".
func Tag(digest string) string {
	return strings.Replace(digest, ":", "-", 1) + TagSuffix
}

// Signed is one signature: the exact payload bytes (stored as the layer)
// and the signature over them, base64 as in the layer annotation.
type Signed struct {
	Payload   []byte
	Signature string
}

// Sign makes the simple-signing payload claiming that repo (host/path, as
// cosign's docker-reference) has the manifest digest, and signs it.
func Sign(key *PrivateKey, repo, digest string) (Signed, error) {
	d, err := name.NewDigest(repo+"@"+digest, name.StrictValidation)
	if err != nil {
		return Signed{}, fmt.Errorf("signature subject %s@%s: %w", repo, digest, err)
	}
	b, err := json.Marshal(payload.Cosign{Image: d})
	if err != nil {
		return Signed{}, err
	}
	sig, err := key.sv.SignMessage(bytes.NewReader(b))
	if err != nil {
		return Signed{}, fmt.Errorf("sign: %w", err)
	}
	return Signed{Payload: b, Signature: base64.StdEncoding.EncodeToString(sig)}, nil
}

// ErrNoKeyMatches means no given key made the signature.
var ErrNoKeyMatches = errors.New("signature made by none of the given keys")

// Verify checks one stored signature: it must verify over the stored
// payload with one of keys, and the payload must claim digest (cosign's
// claim check; the docker-reference is not compared, as cosign does not, so
// relocated signatures still verify). It returns the key that matched.
func Verify(keys []*PublicKey, s Signed, digest string) (*PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil {
		return nil, fmt.Errorf("signature annotation is not base64: %w", err)
	}
	var match *PublicKey
	for _, k := range keys {
		if k.v.VerifySignature(bytes.NewReader(raw), bytes.NewReader(s.Payload)) == nil {
			match = k
			break
		}
	}
	if match == nil {
		return nil, ErrNoKeyMatches
	}
	claimed, err := claimedDigest(s.Payload)
	if err != nil {
		return nil, err
	}
	if claimed != digest {
		return nil, fmt.Errorf("signature is over %s, not %s", claimed, digest)
	}
	return match, nil
}

// claimedDigest reads critical.image.docker-manifest-digest from a payload.
func claimedDigest(b []byte) (string, error) {
	var p payload.SimpleContainerImage
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("signature payload: %w", err)
	}
	if p.Critical.Type != payload.CosignSignatureType {
		return "", fmt.Errorf("signature payload has type %q, not %q", p.Critical.Type, payload.CosignSignatureType)
	}
	if p.Critical.Image.DockerManifestDigest == "" {
		return "", errors.New("signature payload names no manifest digest")
	}
	return p.Critical.Image.DockerManifestDigest, nil
}
