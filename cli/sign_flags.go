package cli

import (
	"errors"
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/berth-dev/berth/oci"
)

// Signature flags: --sign/--verify with cosign key files, as cosign names them.
const (
	flagSign    = "sign"
	flagVerify  = "verify"
	flagVerImgs = "verify-images"
	flagSigKey  = "key"
	envPassword = "COSIGN_PASSWORD"
)

// signFlags are --sign --key cosign.key, for commands that push.
func signFlags() []ucli.Flag {
	return append([]ucli.Flag{&ucli.BoolFlag{Name: flagSign, Usage: "sign what is pushed, as `cosign sign --key` does (password from $" + envPassword + ")"}},
		arrayFlag(flagSigKey, nil, "cosign private key file (cosign.key) that --sign uses")...)
}

// verifyFlags are --verify with --key cosign.pub... (cosign signatures in
// the registry) or --keyring (the chart's PGP .prov file, prov_flags.go),
// for commands that read a chart.
func verifyFlags() []ucli.Flag {
	return append([]ucli.Flag{&ucli.BoolFlag{Name: flagVerify, Usage: "refuse the chart unless it is signed: with --key, by a cosign signature of one of those keys; " +
		"without, by its PGP provenance file (.prov) made by a key of --keyring"}, verifyKeyringFlag()},
		arrayFlag(flagSigKey, nil, "cosign public key file (cosign.pub) that --verify accepts; repeatable")...)
}

// renderVerifyFlags are verifyFlags plus --verify-images, for the commands
// that render the chart.
func renderVerifyFlags() []ucli.Flag {
	return append(verifyFlags(), &ucli.BoolFlag{Name: flagVerImgs,
		Usage: "with --verify, refuse unless every image the chart's pod templates render (with -f/--set) is signed too"})
}

// signOptions reads --sign --key; nil without --sign.
func signOptions(c *ucli.Context) (*oci.SignOptions, error) {
	keys := arrayValue(c, flagSigKey)
	if !c.Bool(flagSign) {
		if len(keys) > 0 {
			return nil, errors.New("--key is given without --sign")
		}
		return nil, nil
	}
	return signingKey(c)
}

// signingKey reads the one --key private key and its password.
func signingKey(c *ucli.Context) (*oci.SignOptions, error) {
	keys := arrayValue(c, flagSigKey)
	if len(keys) != 1 {
		return nil, errors.New("signing needs one --key cosign.key")
	}
	pass, err := keyPassword(c, false)
	if err != nil {
		return nil, err
	}
	return &oci.SignOptions{KeyFile: keys[0], Password: pass}, nil
}

// keyPassword returns $COSIGN_PASSWORD when set (even empty), as cosign
// does, else asks on the terminal (twice when confirm).
func keyPassword(c *ucli.Context, confirm bool) ([]byte, error) {
	if p, ok := os.LookupEnv(envPassword); ok {
		return []byte(p), nil
	}
	in, ok := c.App.Reader.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, errors.New("no key password: set " + envPassword + " (stdin is not a terminal)")
	}
	ask := func(label string) ([]byte, error) {
		fmt.Fprint(c.App.ErrWriter, label)
		p, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(c.App.ErrWriter)
		if err != nil {
			return nil, fmt.Errorf("read password: %w", err)
		}
		return p, nil
	}
	p, err := ask("Enter password for private key: ")
	if err != nil || !confirm {
		return p, err
	}
	again, err := ask("Enter password for private key again: ")
	if err != nil {
		return nil, err
	}
	if string(again) != string(p) {
		return nil, errors.New("passwords do not match")
	}
	return p, nil
}
