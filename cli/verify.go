package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

type verifyOutput struct {
	Subject string `json:"subject"`
	Key     string `json:"key"`
	Source  string `json:"source"`
}

func verifyCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "verify",
		Usage:     "check that charts or images carry a cosign signature by one of the given public keys, or that a chart archive's .prov verifies",
		ArgsUsage: "oci://HOST/REPO[:TAG][@sha256:DIGEST] [REF...] --key cosign.pub [--key …] | CHART.tgz [--keyring pubring.gpg]",
		Category:  groupRegistry,
		Description: "The reference is resolved to a digest; a signature is accepted when it verifies with one of the\n" +
			"keys and its payload names that digest (what `cosign verify --key` checks). Signatures are read\n" +
			"from the tag sha256-<hex>.sig and from OCI 1.1 referrers. Exits 1 naming the reference and the\n" +
			"reason when an artifact is unsigned or no signature is valid.\n\n" +
			"A local CHART.tgz is verified as `helm verify` does it: CHART.tgz.prov next to it must be signed by a\n" +
			"key of --keyring (a binary OpenPGP keyring) and name the archive's file name and SHA-256.",
		Flags: append(registryFlags(), append(arrayFlag(flagSigKey, nil, "cosign public key file (cosign.pub); repeatable"),
			keyringFlag("binary OpenPGP keyring of the public keys that a chart archive's .prov may be signed by"), outputFlag())...),
		Action: runVerify,
	}
}

func runVerify(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return errors.New("\"berth verify\" requires at least 1 argument\n\nUsage:  berth verify oci://HOST/REPO@sha256:DIGEST --key cosign.pub\n        berth verify CHART.tgz [--keyring pubring.gpg]")
	}
	if len(args) == 1 && localArchiveArg(args[0]) { // helm verify CHART.tgz
		return runVerifyArchive(c, args[0])
	}
	if c.IsSet(flagKeyring) {
		return errors.New("--keyring verifies a local chart archive's .prov (berth verify CHART.tgz); oci:// references are verified with --key")
	}
	keys := arrayValue(c, flagSigKey)
	if len(keys) == 0 {
		return errors.New("berth verify: give at least one --key cosign.pub")
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	outs := make([]verifyOutput, 0, len(args))
	for _, ref := range args {
		v, err := client.Verify(c.Context, ref, oci.VerifyOptions{KeyFiles: keys})
		if err != nil {
			return err
		}
		outs = append(outs, verifyOutput{Subject: v.Subject.Pinned(), Key: v.Key, Source: v.Source})
	}
	var structured any = outs
	if len(outs) == 1 {
		structured = outs[0]
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), structured); done {
		return err
	}
	for _, o := range outs {
		if _, err := fmt.Fprintf(c.App.Writer, "Verified: %s\nKey: %s\nSignature: %s\n", o.Subject, o.Key, o.Source); err != nil {
			return err
		}
	}
	return nil
}

// localArchiveArg reports whether arg names a chart archive on disk rather
// than a registry reference: images are named without oci:// (HOST/REPO@…).
func localArchiveArg(arg string) bool {
	if strings.HasPrefix(arg, oci.Scheme) {
		return false
	}
	if strings.HasSuffix(arg, ".tgz") {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}
