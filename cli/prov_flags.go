package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/berth-dev/berth/chartfmt/provenance"
)

// Helm's provenance flags: --verify without --key checks the chart's PGP
// provenance file (CHART.tgz.prov) against --keyring; --verify --key checks
// cosign signatures instead (sign_flags.go).
const (
	flagKeyring  = "keyring"
	flagPassFile = "passphrase-file"
)

// keyringFlag is --keyring; its default is computed when read (Helm's:
// $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg).
func keyringFlag(usage string) ucli.Flag {
	return &ucli.StringFlag{Name: flagKeyring, Usage: usage + " (default $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg)"}
}

// verifyKeyringFlag is --keyring for the commands that read a chart.
func verifyKeyringFlag() ucli.Flag {
	return keyringFlag("binary OpenPGP keyring of the public keys that --verify (without --key) accepts for the chart's .prov")
}

// keyringPath is --keyring or Helm's default.
func keyringPath(c *ucli.Context) string {
	if p := c.String(flagKeyring); p != "" {
		return p
	}
	return provenance.DefaultKeyring()
}

// provenanceKeyring is the keyring that --verify checks .prov files
// against; nil when the command does not verify that way (no --verify, or
// --verify --key, which is cosign).
func provenanceKeyring(c *ucli.Context) (*provenance.Keyring, error) {
	if !c.Bool(flagVerify) {
		if c.IsSet(flagKeyring) {
			return nil, errors.New("--keyring is given without --verify")
		}
		return nil, nil
	}
	if len(arrayValue(c, flagSigKey)) > 0 {
		if c.IsSet(flagKeyring) {
			return nil, errors.New("--verify checks cosign signatures with --key or a PGP provenance file with --keyring: give one of them")
		}
		return nil, nil
	}
	return provenance.LoadKeyring(keyringPath(c))
}

// provenanceOutput is a verified .prov in -o json/yaml.
type provenanceOutput struct {
	SignedBy    []string `json:"signedBy"`
	Fingerprint string   `json:"fingerprint"`
	FileHash    string   `json:"fileHash"`
}

func provenanceOut(v *provenance.Verification) *provenanceOutput {
	if v == nil {
		return nil
	}
	return &provenanceOutput{SignedBy: v.Signer.Identities, Fingerprint: v.Signer.Fingerprint, FileHash: v.FileHash}
}

// printProvenance prints what `helm verify` and `helm pull --verify` print.
func printProvenance(w io.Writer, p *provenanceOutput) error {
	for _, id := range p.SignedBy {
		if _, err := fmt.Fprintf(w, "Signed by: %s\n", id); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "Using Key With Fingerprint: %s\nChart Hash Verified: %s\n", p.Fingerprint, p.FileHash)
	return err
}

// runVerifyArchive is `berth verify CHART.tgz [--keyring FILE]`, Helm's
// `helm verify`: CHART.tgz.prov next to the archive must verify it.
func runVerifyArchive(c *ucli.Context, archive string) error {
	if len(arrayValue(c, flagSigKey)) > 0 {
		return errors.New("--key checks cosign signatures of oci:// references; a chart archive is verified with its .prov file and --keyring")
	}
	ring, err := provenance.LoadKeyring(keyringPath(c))
	if err != nil {
		return err
	}
	v, err := verifyArchiveFile(ring, archive)
	if err != nil {
		return err
	}
	out := provenanceOut(v)
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), out); done {
		return err
	}
	return printProvenance(c.App.Writer, out)
}

// verifyArchiveFile checks a local archive with the .prov next to it.
func verifyArchiveFile(ring *provenance.Keyring, archive string) (*provenance.Verification, error) {
	return provenance.VerifyFile(ring, archive)
}

// packageSignFlags are Helm's `package --sign --key NAME --keyring FILE
// --passphrase-file FILE`.
func packageSignFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagSign, Usage: "use a PGP private key to sign this package: writes NAME-VERSION.tgz.prov next to it, as helm package --sign does"},
		&ucli.StringFlag{Name: flagSigKey, Usage: "name of the key to use when signing (its user ID, or a unique part of it). Used if --sign is true"},
		keyringFlag("binary OpenPGP keyring holding the secret key (e.g. `gpg --export-secret-keys > secring.gpg`)"),
		&ucli.StringFlag{Name: flagPassFile, Usage: `location of a file which contains the passphrase for the signing key. Use "-" in order to read from stdin.`},
	}
}

// packageSigningKey reads --sign --key --keyring --passphrase-file; nil
// without --sign. An encrypted key is decrypted here, before anything is
// written.
func packageSigningKey(c *ucli.Context) (*provenance.SigningKey, error) {
	if !c.Bool(flagSign) {
		for _, f := range []string{flagSigKey, flagKeyring, flagPassFile} {
			if c.IsSet(f) {
				return nil, fmt.Errorf("--%s is given without --sign", f)
			}
		}
		return nil, nil
	}
	if c.String(flagSigKey) == "" {
		return nil, errors.New("--key is required for signing a package")
	}
	ring, err := provenance.LoadKeyring(keyringPath(c))
	if err != nil {
		return nil, err
	}
	key, err := ring.SigningKey(c.String(flagSigKey))
	if err != nil {
		return nil, err
	}
	if !key.Encrypted() {
		return key, nil
	}
	pass, err := passphrase(c, key.Name())
	if err != nil {
		return nil, err
	}
	return key, key.Decrypt(pass)
}

// passphrase is the first line of --passphrase-file ("-": stdin), else
// asked on the terminal.
func passphrase(c *ucli.Context, keyName string) ([]byte, error) {
	if p := c.String(flagPassFile); p != "" {
		var r io.Reader = c.App.Reader
		if p != "-" {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r = f
		}
		line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		return []byte(trimNewline(line)), nil
	}
	in, ok := c.App.Reader.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, fmt.Errorf("key %q is encrypted: give --passphrase-file (stdin is not a terminal)", keyName)
	}
	fmt.Fprintf(c.App.ErrWriter, "Password for key %q >  ", keyName)
	p, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(c.App.ErrWriter)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// signPackage writes ARCHIVE.prov next to a packaged archive.
func signPackage(key *provenance.SigningKey, archive string) error {
	_, err := provenance.SignFile(key, archive)
	return err
}

// dependencyVerifyFlags are helm's dependency build/update --verify
// --keyring: every downloaded dependency's .prov must verify.
func dependencyVerifyFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagVerify, Usage: "verify the packages against signatures: each downloaded dependency's .prov (classic repositories) or provenance layer (oci://) must be signed by a key of --keyring"},
		verifyKeyringFlag(),
	}
}
