package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

type signOutput struct {
	Subject   string `json:"subject"`   // oci://host/repo@sha256:…
	Signature string `json:"signature"` // oci://host/repo:sha256-….sig
	Already   bool   `json:"alreadySigned"`
}

func signCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "sign",
		Usage:     "sign charts or images in a registry with a cosign key, as `cosign sign --key` does",
		ArgsUsage: "oci://HOST/REPO@sha256:DIGEST [REF...] --key cosign.key",
		Category:  groupRegistry,
		Description: "The signature is a simple-signing payload naming the digest, stored in the same repository\n" +
			"under the tag sha256-<hex>.sig (cosign v2's default layout), so `cosign verify --key` and Flux\n" +
			"accept it. A tag is resolved to its digest first. The key is cosign's encrypted private key;\n" +
			"its password comes from $" + envPassword + " or the terminal. No transparency log is used.",
		Flags:  append(registryFlags(), append(arrayFlag(flagSigKey, nil, "cosign private key file (cosign.key)"), outputFlag())...),
		Action: runSign,
	}
}

func runSign(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return errors.New("\"berth sign\" requires at least 1 argument\n\nUsage:  berth sign oci://HOST/REPO@sha256:DIGEST --key cosign.key")
	}
	opts, err := signingKey(c)
	if err != nil {
		return err
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	outs := make([]signOutput, 0, len(args))
	for _, ref := range args {
		res, err := client.Sign(c.Context, ref, *opts)
		if err != nil {
			return err
		}
		outs = append(outs, signOutput{Subject: res.Subject.Pinned(), Signature: res.SigRef.String(), Already: res.Already})
	}
	return printSigned(c, outs)
}

func printSigned(c *ucli.Context, outs []signOutput) error {
	var structured any = outs
	if len(outs) == 1 {
		structured = outs[0]
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), structured); done {
		return err
	}
	for _, o := range outs {
		note := ""
		if o.Already {
			note = " (already signed by this key)"
		}
		if _, err := fmt.Fprintf(c.App.Writer, "Signed: %s\nSignature: %s%s\n", o.Subject, o.Signature, note); err != nil {
			return err
		}
	}
	return nil
}

// signedLines tells on stderr where the signatures of a push went.
func signedLines(c *ucli.Context, sigs []*oci.SignResult) {
	for _, s := range sigs {
		if s != nil {
			fmt.Fprintf(c.App.ErrWriter, "Signed: %s (%s)\n", s.Subject.Pinned(), s.SigRef.Tag)
		}
	}
}
