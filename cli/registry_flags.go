package cli

import (
	"fmt"
	"os"
	"strconv"
	"time"

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
	flagIdleTimeout  = "registry-idle-timeout"
)

// Environment defaults of the TLS flags. berth reads them itself rather
// than through urfave/cli, so that a default yields to a conflicting flag
// given on the command line: BERTH_CA_FILE set for every job must not
// break one `--plain-http` command, nor BERTH_PLAIN_HTTP one `--ca-file`.
const (
	envPlainHTTP   = "BERTH_PLAIN_HTTP"
	envInsecureTLS = "BERTH_INSECURE_SKIP_TLS_VERIFY"
	envCAFile      = "BERTH_CA_FILE"
)

// fromPrefix names the source side of copy: --from-plain-http, --from-ca-file, …
const fromPrefix = "from-"

func registryFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagPlainHTTP, Usage: "use insecure HTTP connections for the chart upload/download (default $" + envPlainHTTP + ")"},
		&ucli.BoolFlag{Name: flagInsecureTLS, Usage: "skip tls certificate checks for the chart upload/download (default $" + envInsecureTLS + ")"},
		&ucli.StringFlag{Name: flagCAFile, Usage: "verify certificates of HTTPS-enabled servers using this CA bundle (default $" + envCAFile + ")"},
		&ucli.StringFlag{Name: flagCertFile, Usage: "identify registry client using this SSL certificate file"},
		&ucli.StringFlag{Name: flagKeyFile, Usage: "identify registry client using this SSL key file"},
		&ucli.StringFlag{Name: flagUsername, Usage: "chart repository username (instead of stored credentials)", EnvVars: []string{"BERTH_REGISTRY_USERNAME"}},
		&ucli.StringFlag{Name: flagPassword, Usage: "chart repository password (instead of stored credentials)", EnvVars: []string{"BERTH_REGISTRY_PASSWORD"}},
		&ucli.StringFlag{Name: flagRegistryConf, Usage: "Helm registry config read when Docker's config.json has no entry", EnvVars: []string{"HELM_REGISTRY_CONFIG"}},
		&ucli.DurationFlag{Name: flagIdleTimeout, Value: 60 * time.Second, EnvVars: []string{"BERTH_REGISTRY_IDLE_TIMEOUT"},
			Usage: "fail a transfer when the registry sends or accepts no data for this long (each try; 0 disables)"},
	}
}

// sourceRegistryFlags are the source side's own settings for commands
// that read from one registry and write to another. Given none, the source
// uses the common flags; given any, it uses only these (unset ones mean
// HTTPS, the system roots and stored credentials), so a plain-HTTP source
// never inherits the destination's CA or password.
func sourceRegistryFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: fromPrefix + flagPlainHTTP, Usage: "source registry: use insecure HTTP connections"},
		&ucli.BoolFlag{Name: fromPrefix + flagInsecureTLS, Usage: "source registry: skip tls certificate checks"},
		&ucli.StringFlag{Name: fromPrefix + flagCAFile, Usage: "source registry: verify its certificate using this CA bundle"},
		&ucli.StringFlag{Name: fromPrefix + flagCertFile, Usage: "source registry: identify with this SSL certificate file"},
		&ucli.StringFlag{Name: fromPrefix + flagKeyFile, Usage: "source registry: identify with this SSL key file"},
		&ucli.StringFlag{Name: fromPrefix + flagUsername, Usage: "source registry: username (instead of stored credentials)"},
		&ucli.StringFlag{Name: fromPrefix + flagPassword, Usage: "source registry: password (instead of stored credentials)"},
	}
}

// registryClient builds an oci.Client from the registry flags; with --debug
// every HTTP exchange is logged to stderr (without credentials).
func registryClient(c *ucli.Context) (*oci.Client, error) {
	opts, err := transportOptions(c)
	if err != nil {
		return nil, err
	}
	opts.Username, opts.Password = c.String(flagUsername), c.String(flagPassword)
	return oci.NewClient(withCommon(c, opts))
}

// sourceClient builds the client that reads the source of a copy: dest
// itself unless a --from-* flag is given.
func sourceClient(c *ucli.Context, dest *oci.Client) (*oci.Client, error) {
	set := false
	for _, f := range sourceRegistryFlags() {
		set = set || c.IsSet(f.Names()[0])
	}
	if !set {
		return dest, nil
	}
	opts := oci.Options{
		PlainHTTP:             c.Bool(fromPrefix + flagPlainHTTP),
		InsecureSkipTLSVerify: c.Bool(fromPrefix + flagInsecureTLS),
		CAFile:                c.String(fromPrefix + flagCAFile),
		CertFile:              c.String(fromPrefix + flagCertFile),
		KeyFile:               c.String(fromPrefix + flagKeyFile),
		Username:              c.String(fromPrefix + flagUsername),
		Password:              c.String(fromPrefix + flagPassword),
	}
	client, err := oci.NewClient(withCommon(c, opts))
	if err != nil {
		return nil, fmt.Errorf("source registry (--from-* flags): %w", err)
	}
	return client, nil
}

// transportOptions reads the TLS flags; an environment default fills in
// only what no flag on the command line contradicts.
func transportOptions(c *ucli.Context) (oci.Options, error) {
	opts := oci.Options{
		PlainHTTP:             c.Bool(flagPlainHTTP),
		InsecureSkipTLSVerify: c.Bool(flagInsecureTLS),
		CAFile:                c.String(flagCAFile),
		CertFile:              c.String(flagCertFile),
		KeyFile:               c.String(flagKeyFile),
	}
	tlsGiven := c.IsSet(flagInsecureTLS) || c.IsSet(flagCAFile) || c.IsSet(flagCertFile) || c.IsSet(flagKeyFile)
	plainGiven := c.IsSet(flagPlainHTTP)
	if !plainGiven && !tlsGiven {
		v, err := envBool(envPlainHTTP)
		if err != nil {
			return opts, err
		}
		opts.PlainHTTP = v
	}
	if plainGiven && opts.PlainHTTP {
		return opts, nil // no TLS defaults for a registry the user said has none
	}
	if !c.IsSet(flagCAFile) {
		opts.CAFile = os.Getenv(envCAFile)
	}
	if !c.IsSet(flagInsecureTLS) {
		v, err := envBool(envInsecureTLS)
		if err != nil {
			return opts, err
		}
		opts.InsecureSkipTLSVerify = v
	}
	return opts, nil
}

func envBool(name string) (bool, error) {
	v := os.Getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", name, v)
	}
	return b, nil
}

// withCommon adds what both sides share: Helm's registry config, the user
// agent and the --debug log.
func withCommon(c *ucli.Context, opts oci.Options) oci.Options {
	opts.HelmRegistryConfig = c.String(flagRegistryConf)
	opts.UserAgent = "berth/" + c.App.Version
	if c.IsSet(flagIdleTimeout) {
		opts.IdleTimeout = c.Duration(flagIdleTimeout)
		if opts.IdleTimeout == 0 {
			opts.IdleTimeout = -1 // the library's "disabled"
		}
	}
	if debugEnabled(c) {
		opts.Debugf = func(format string, args ...any) {
			fmt.Fprintf(c.App.ErrWriter, "debug: "+format+"\n", args...)
		}
	}
	return opts
}

func debugEnabled(c *ucli.Context) bool { return globalBool(c, flagDebug) }
