package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

// Registry transport flags, spelled as Helm spells them.
const (
	flagPlainHTTP    = "plain-http"
	flagInsecureTLS  = "insecure-skip-tls-verify"
	flagCAFile       = "ca-file"
	flagCertFile     = "cert-file"
	flagKeyFile      = "key-file"
	flagUsername     = "username"
	flagPassword     = "password"
	flagVersion      = "version"
	flagDevel        = "devel"
	flagRegistryConf = "registry-config"
)

func registryFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagPlainHTTP, Usage: "use insecure HTTP connections for the chart upload/download", EnvVars: []string{"BERTH_PLAIN_HTTP"}},
		&ucli.BoolFlag{Name: flagInsecureTLS, Usage: "skip tls certificate checks for the chart upload/download", EnvVars: []string{"BERTH_INSECURE_SKIP_TLS_VERIFY"}},
		&ucli.StringFlag{Name: flagCAFile, Usage: "verify certificates of HTTPS-enabled servers using this CA bundle", EnvVars: []string{"BERTH_CA_FILE"}},
		&ucli.StringFlag{Name: flagCertFile, Usage: "identify registry client using this SSL certificate file"},
		&ucli.StringFlag{Name: flagKeyFile, Usage: "identify registry client using this SSL key file"},
		&ucli.StringFlag{Name: flagUsername, Usage: "chart repository username (instead of stored credentials)", EnvVars: []string{"BERTH_REGISTRY_USERNAME"}},
		&ucli.StringFlag{Name: flagPassword, Usage: "chart repository password (instead of stored credentials)", EnvVars: []string{"BERTH_REGISTRY_PASSWORD"}},
		&ucli.StringFlag{Name: flagRegistryConf, Usage: "Helm registry config read when Docker's config.json has no entry", EnvVars: []string{"HELM_REGISTRY_CONFIG"}},
	}
}

// registryClient builds an oci.Client from the registry flags; with --debug
// every HTTP exchange is logged to stderr (without credentials).
func registryClient(c *ucli.Context) (*oci.Client, error) {
	opts := oci.Options{
		PlainHTTP:             c.Bool(flagPlainHTTP),
		InsecureSkipTLSVerify: c.Bool(flagInsecureTLS),
		CAFile:                c.String(flagCAFile),
		CertFile:              c.String(flagCertFile),
		KeyFile:               c.String(flagKeyFile),
		Username:              c.String(flagUsername),
		Password:              c.String(flagPassword),
		HelmRegistryConfig:    c.String(flagRegistryConf),
		UserAgent:             "berth/" + c.App.Version,
	}
	if debugEnabled(c) {
		opts.Debugf = func(format string, args ...any) {
			fmt.Fprintf(c.App.ErrWriter, "debug: "+format+"\n", args...)
		}
	}
	return oci.NewClient(opts)
}

func debugEnabled(c *ucli.Context) bool {
	for _, ctx := range c.Lineage() {
		if ctx.Bool(flagDebug) {
			return true
		}
	}
	return false
}
