package cli

import (
	ucli "github.com/urfave/cli/v2"
)

// Global flags, spelled as Helm and kubectl spell them.
const (
	flagKubeconfig  = "kubeconfig"
	flagKubeContext = "kube-context"
	flagNamespace   = "namespace"
	flagDebug       = "debug"
	flagOutput      = "output"
)

func globalFlags() []ucli.Flag {
	return append([]ucli.Flag{
		// No EnvVars: client-go reads $KUBECONFIG itself, as a list of
		// files merged in order; as the flag's value it would be one path.
		&ucli.StringFlag{Name: flagKubeconfig, Usage: "path to the kubeconfig file (default: $KUBECONFIG, a list of files, else ~/.kube/config)"},
		&ucli.StringFlag{Name: flagKubeContext, Usage: "name of the kubeconfig context to use", EnvVars: []string{"BERTH_KUBE_CONTEXT"}},
		&ucli.StringFlag{Name: flagNamespace, Aliases: []string{"n"}, Usage: "namespace scope for this request", EnvVars: []string{"BERTH_NAMESPACE"}},
		&ucli.BoolFlag{Name: flagDebug, Usage: "enable verbose output and Go stack traces of internal errors", EnvVars: []string{"BERTH_DEBUG"}},
		&ucli.BoolFlag{Name: flagQuiet, Usage: "no progress output (bars, per-blob and per-object lines); results and errors still print", EnvVars: []string{"BERTH_QUIET"}},
	}, append(repositoryGlobalFlags(), kubeConnectionFlags()...)...)
}

// outputFlag is the -o/--output flag of commands that print state.
func outputFlag() ucli.Flag {
	return &ucli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Value: "table", Usage: "output format: table, json or yaml"}
}
