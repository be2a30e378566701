package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// envCommand is `helm env` for berth: the environment variables berth reads,
// with the values this run would use, as KEY="value" lines sorted by key,
// or one value with `berth env KEY`.
func envCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "env",
		Usage:     "print the environment variables berth reads and their effective values",
		ArgsUsage: "[KEY]",
		Category:  groupOther,
		Action: func(c *ucli.Context) error {
			args, err := argsN(c, 0, 1, "env [KEY]")
			if err != nil {
				return err
			}
			env := berthEnv(c)
			if len(args) == 1 {
				if v, ok := env[args[0]]; ok {
					_, err = fmt.Fprintln(c.App.Writer, v)
				}
				return err
			}
			keys := make([]string, 0, len(env))
			for k := range env {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if _, err := fmt.Fprintf(c.App.Writer, "%s=%q\n", k, env[k]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func berthEnv(c *ucli.Context) map[string]string {
	bin, _ := os.Executable()
	cache := ""
	if d, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(d, "berth")
	}
	docker := os.Getenv("DOCKER_CONFIG")
	if home, err := os.UserHomeDir(); docker == "" && err == nil {
		docker = filepath.Join(home, ".docker")
	}
	repos := repoPaths(c)
	token := ""
	if c.String(flagKubeToken) != "" {
		token = "<set>" // helm env prints the token; berth never prints credentials
	}
	return map[string]string{
		"HELM_KUBEAPISERVER":                c.String(flagKubeAPIServer),
		"HELM_KUBETOKEN":                    token,
		"HELM_KUBEASUSER":                   c.String(flagKubeAsUser),
		"HELM_KUBEASGROUPS":                 strings.Join(c.StringSlice(flagKubeAsGroup), ","),
		"HELM_KUBECAFILE":                   c.String(flagKubeCAFile),
		"HELM_KUBETLS_SERVER_NAME":          c.String(flagKubeTLSName),
		"HELM_KUBEINSECURE_SKIP_TLS_VERIFY": fmt.Sprint(c.Bool(flagKubeInsecure)),
		"HELM_BURST_LIMIT":                  fmt.Sprint(c.Int(flagBurstLimit)),
		"HELM_QPS":                          strconv.FormatFloat(c.Float64(flagQPS), 'f', 2, 32),
		"BERTH_BIN":                         bin,
		"BERTH_CACHE_HOME":                  cache,
		"BERTH_DEBUG":                       fmt.Sprint(c.Bool(flagDebug)),
		"BERTH_QUIET":                       fmt.Sprint(quietEnabled(c)),
		"BERTH_KUBE_CONTEXT":                c.String(flagKubeContext),
		"BERTH_NAMESPACE":                   namespaceOf(c),
		"BERTH_PLAIN_HTTP":                  os.Getenv("BERTH_PLAIN_HTTP"),
		"DOCKER_CONFIG":                     docker,
		"HELM_REGISTRY_CONFIG":              os.Getenv("HELM_REGISTRY_CONFIG"),
		"HELM_REPOSITORY_CACHE":             repos.Cache,
		"HELM_REPOSITORY_CONFIG":            repos.Config,
		"KUBECONFIG":                        os.Getenv("KUBECONFIG"),
	}
}
