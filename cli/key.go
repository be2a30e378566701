package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/internal/safefs"
	"github.com/berth-dev/berth/oci/signature"
)

const flagKeyPrefix = "output-key-prefix"

func keyCommand() *ucli.Command {
	return &ucli.Command{
		Name:     "key",
		Usage:    "manage signing keys",
		Category: groupRegistry,
		Subcommands: []*ucli.Command{{
			Name:      "generate",
			Usage:     "write a cosign key pair (cosign.key, cosign.pub), as `cosign generate-key-pair` does",
			ArgsUsage: "[DIR]",
			Description: "An ECDSA P-256 key: cosign.key is the PKCS#8 private key encrypted with the password\n" +
				"($" + envPassword + ", else asked twice on the terminal), cosign.pub the PEM public key.\n" +
				"Existing files are not overwritten.",
			Flags:  []ucli.Flag{&ucli.StringFlag{Name: flagKeyPrefix, Value: "cosign", Usage: "name of the key files: PREFIX.key, PREFIX.pub"}},
			Action: runKeyGenerate,
		}},
	}
}

func runKeyGenerate(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	dir := "."
	if len(args) > 1 {
		return errors.New("\"berth key generate\" takes at most 1 argument\n\nUsage:  berth key generate [DIR]")
	} else if len(args) == 1 {
		dir = args[0]
	}
	prefix := c.String(flagKeyPrefix)
	for _, ext := range []string{".key", ".pub"} {
		if _, err := os.Lstat(filepath.Join(dir, prefix+ext)); err == nil {
			return fmt.Errorf("%s already exists: not overwritten", filepath.Join(dir, prefix+ext))
		}
	}
	pass, err := keyPassword(c, true)
	if err != nil {
		return err
	}
	priv, pub, err := signature.GenerateKeyPair(pass)
	if err != nil {
		return err
	}
	keyPath, err := safefs.WriteFile(dir, prefix+".key", priv, 0o600)
	if err != nil {
		return fmt.Errorf("write private key: %w", err)
	}
	pubPath, err := safefs.WriteFile(dir, prefix+".pub", pub, 0o644)
	if err != nil {
		return fmt.Errorf("write public key: %w", err)
	}
	_, err = fmt.Fprintf(c.App.Writer, "Private key written to %s\nPublic key written to %s\n", keyPath, pubPath)
	return err
}
