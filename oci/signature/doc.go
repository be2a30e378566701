// Package signature holds the cosign-compatible signature formats berth
// reads and writes, without any network I/O: key pairs in cosign's files
// (an encrypted PKCS#8 private key, a PKIX public key), the simple-signing
// payload, and the check of one stored signature against a manifest digest.
//
// The formats and crypto are sigstore's own (github.com/sigstore/sigstore:
// cryptoutils for keys, signature for ECDSA/RSA, payload for the JSON), so a
// key from `cosign generate-key-pair` signs here and a signature made here
// verifies with `cosign verify --key`. Only keyed signatures exist for now;
// keyless (Fulcio certificates, Rekor bundles) would add a Verifier that
// reads the certificate annotations.
package signature
