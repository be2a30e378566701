package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Helm's cluster connection flags, for CI jobs that have a token and an
// API server address rather than a kubeconfig. They override the
// kubeconfig's values as kubectl's flags do; Helm's HELM_KUBE* variables
// set them too.
const (
	flagKubeAPIServer = "kube-apiserver"
	flagKubeToken     = "kube-token"
	flagKubeAsUser    = "kube-as-user"
	flagKubeAsGroup   = "kube-as-group"
	flagKubeCAFile    = "kube-ca-file"
	flagKubeTLSName   = "kube-tls-server-name"
	flagKubeInsecure  = "kube-insecure-skip-tls-verify"
	flagBurstLimit    = "burst-limit"
	flagQPS           = "qps"
)

// kubeConnectionGlobals are the names repeated on every command (see
// commandGlobals).
var kubeConnectionGlobals = []string{flagKubeAPIServer, flagKubeToken, flagKubeAsUser, flagKubeAsGroup,
	flagKubeCAFile, flagKubeTLSName, flagKubeInsecure, flagBurstLimit, flagQPS}

func kubeConnectionFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: flagKubeAPIServer, Usage: "the address and the port for the Kubernetes API server", EnvVars: []string{"HELM_KUBEAPISERVER"}},
		&ucli.StringFlag{Name: flagKubeToken, Usage: "bearer token used for authentication", EnvVars: []string{"HELM_KUBETOKEN"}},
		&ucli.StringFlag{Name: flagKubeAsUser, Usage: "username to impersonate for the operation", EnvVars: []string{"HELM_KUBEASUSER"}},
		&ucli.StringSliceFlag{Name: flagKubeAsGroup, Usage: "group to impersonate for the operation, this flag can be repeated to specify multiple groups", EnvVars: []string{"HELM_KUBEASGROUPS"}},
		&ucli.StringFlag{Name: flagKubeCAFile, Usage: "the certificate authority file for the Kubernetes API server connection", EnvVars: []string{"HELM_KUBECAFILE"}},
		&ucli.StringFlag{Name: flagKubeTLSName, Usage: "server name to use for Kubernetes API server certificate validation (default: the host used to contact the server)", EnvVars: []string{"HELM_KUBETLS_SERVER_NAME"}},
		&ucli.BoolFlag{Name: flagKubeInsecure, Usage: "if true, the Kubernetes API server's certificate will not be checked for validity; this makes HTTPS connections insecure", EnvVars: []string{"HELM_KUBEINSECURE_SKIP_TLS_VERIFY"}},
		&ucli.IntFlag{Name: flagBurstLimit, Value: 100, Usage: "client-side default throttling limit", EnvVars: []string{"HELM_BURST_LIMIT"}},
		&ucli.Float64Flag{Name: flagQPS, Usage: "queries per second used when communicating with the Kubernetes API, not including bursting (0: berth's default)", EnvVars: []string{"HELM_QPS"}},
	}
}

// kubeOverrides maps the connection flags onto client-go's overrides.
func kubeOverrides(c *ucli.Context, o *clientcmd.ConfigOverrides) {
	if v := c.String(flagKubeAPIServer); v != "" {
		o.ClusterInfo.Server = v
	}
	if v := c.String(flagKubeCAFile); v != "" {
		o.ClusterInfo.CertificateAuthority = v
	}
	if v := c.String(flagKubeTLSName); v != "" {
		o.ClusterInfo.TLSServerName = v
	}
	if c.Bool(flagKubeInsecure) {
		o.ClusterInfo.InsecureSkipTLSVerify = true
	}
	if v := c.String(flagKubeToken); v != "" {
		o.AuthInfo.Token = v
	}
	if v := c.String(flagKubeAsUser); v != "" {
		o.AuthInfo.Impersonate = v
	}
	for _, g := range c.StringSlice(flagKubeAsGroup) {
		if g = strings.TrimSpace(g); g != "" {
			o.AuthInfo.ImpersonateGroups = append(o.AuthInfo.ImpersonateGroups, g)
		}
	}
}

// kubeRate applies --qps and --burst-limit to cfg; a QPS of 0 keeps the
// deployer's own default.
func kubeRate(c *ucli.Context, cfg *rest.Config) {
	if q := c.Float64(flagQPS); q > 0 {
		cfg.QPS = float32(q)
	}
	if b := c.Int(flagBurstLimit); b > 0 {
		cfg.Burst = b
	}
}
