package cli

import (
	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

// loginClient is registryClient for login/logout, whose TLS-skip flag is
// spelled --insecure as in `helm registry login`.
func loginClient(c *ucli.Context) (*oci.Client, error) {
	return oci.NewClient(oci.Options{
		PlainHTTP:             c.Bool(flagPlainHTTP),
		InsecureSkipTLSVerify: c.Bool("insecure"),
		CAFile:                c.String(flagCAFile),
		CertFile:              c.String(flagCertFile),
		KeyFile:               c.String(flagKeyFile),
		UserAgent:             "berth/" + c.App.Version,
	})
}
