package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
)

// Release flags, spelled as Helm spells them.
const (
	flagWait          = "wait"
	flagWaitForJobs   = "wait-for-jobs"
	flagTimeout       = "timeout"
	flagAtomic        = "atomic"
	flagCleanupOnFail = "cleanup-on-fail"
	flagDryRun        = "dry-run"
	flagDescription   = "description"
	flagHistoryMax    = "history-max"
	flagRevision      = "revision"
	flagLabels        = "labels"
	flagTakeOwnership = "take-ownership"
	flagServerSide    = "server-side"
	flagForceConflict = "force-conflicts"
	// Helm flags added for scripts (see docs/helm-parity.md).
	flagDisableOpenAPI = "disable-openapi-validation"
	flagHideNotes      = "hide-notes"
	flagRenderSubNotes = "render-subchart-notes"
)

func applyMethodFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagServerSide, Usage: "apply with server-side apply (field manager helm) instead of three-way patches; kept for later upgrades"},
		&ucli.BoolFlag{Name: flagForceConflict, Usage: "with server-side apply, take over fields other managers own"},
	}
}

// forceReplaceFlag is Helm's --force of install, upgrade and rollback:
// replace objects instead of patching them.
func forceReplaceFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagForce, Usage: "force resource updates through a replacement strategy: update existing objects as a whole (PUT) instead of patching them, resetting what the chart does not set"}
}

func applyMethod(c *ucli.Context) (deployer.ApplyMethod, error) {
	m := deployer.ApplyMethod{ServerSide: c.Bool(flagServerSide), ForceConflicts: c.Bool(flagForceConflict)}
	if m.ForceConflicts && !m.ServerSide && c.Command.Name == "install" {
		return m, fmt.Errorf("--force-conflicts needs --server-side")
	}
	return m, nil
}

// kubeTarget is a cluster connection and the namespace of the release.
type kubeTarget struct {
	config    *rest.Config
	namespace string
}

// kubeConfig resolves --kubeconfig, --kube-context and -n like kubectl:
// without -n, the context's namespace, else "default".
func kubeConfig(c *ucli.Context) (kubeTarget, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = globalString(c, flagKubeconfig)
	overrides := &clientcmd.ConfigOverrides{CurrentContext: globalString(c, flagKubeContext)}
	kubeOverrides(c, overrides)
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if err != nil {
		return kubeTarget{}, fmt.Errorf("kubernetes cluster unreachable: %w", err)
	}
	kubeRate(c, cfg)
	ns, _ := globalSet(c, flagNamespace)
	if ns == "" {
		ns = os.Getenv("HELM_NAMESPACE")
	}
	if ns == "" {
		if ns, _, err = cc.Namespace(); err != nil || ns == "" {
			ns = "default"
		}
	}
	return kubeTarget{config: cfg, namespace: ns}, nil
}

// connect returns a Deployer whose progress goes to stderr, and the namespace.
func connectDeployer(c *ucli.Context) (*deployer.Deployer, string, error) {
	kt, err := kubeConfig(c)
	if err != nil {
		return nil, "", err
	}
	d, err := deployer.New(kt.config)
	if err != nil {
		return nil, "", err
	}
	d.Progress = progressPrinter(c)
	d.Kube.SkipSchemaValidation = c.Bool(flagDisableOpenAPI) // install, upgrade
	return d, kt.namespace, nil
}

// chartTarget connects to the cluster and loads CHART for it: what install,
// upgrade and diff upgrade all start with.
func chartTarget(c *ucli.Context, ref string) (*deployer.Deployer, string, *chartfmt.Chart, deployer.Source, error) {
	d, ns, err := connectDeployer(c)
	if err != nil {
		return nil, "", nil, deployer.Source{}, err
	}
	pr, err := postRenderer(c)
	if err != nil {
		return nil, "", nil, deployer.Source{}, err
	}
	if c.Bool(flagDepUpdate) {
		if err := updateMissingDependencies(c, ref); err != nil {
			return nil, "", nil, deployer.Source{}, err
		}
	}
	ch, origin, err := resolveChart(c, ref)
	if err != nil {
		return nil, "", nil, deployer.Source{}, err
	}
	if ch.Metadata.Deprecated && !strings.HasPrefix(commandPath(c), "diff") {
		fmt.Fprintln(c.App.ErrWriter, chartfmt.DeprecatedWarning)
	}
	src, err := chartSource(d, ch, deployer.RenderSettings{SubchartNotes: c.Bool(flagRenderSubNotes), PostRenderer: pr,
		Warn: renderWarnings(c, c.Bool(flagDebug))})
	src.Origin = origin
	return d, ns, ch, src, err
}

// revisionArg parses an optional REVISION argument (0 when absent).
func revisionArg(args []string, i int) (int, error) {
	if len(args) <= i {
		return 0, nil
	}
	rev, err := strconv.Atoi(args[i])
	if err != nil || rev < 0 {
		return 0, fmt.Errorf("invalid revision %q: want a positive number", args[i])
	}
	return rev, nil
}

// chartSource renders for the cluster's version with `lookup` answered live.
func chartSource(d *deployer.Deployer, ch *chartfmt.Chart, s deployer.RenderSettings) (deployer.Source, error) {
	kv, err := d.Kube.ServerVersion()
	if err != nil {
		return deployer.Source{}, err
	}
	return deployer.ChartSourceWith(ch, kv, d.Kube, s), nil
}

// progressPrinter shows live progress on a terminal (one line rewritten
// with the pending objects and why) and a summary otherwise: hook and apply
// steps, what is still pending every 10 seconds, and when all are ready.
func progressPrinter(c *ucli.Context) func(deployer.Event) {
	if quietEnabled(c) {
		return nil
	}
	w := c.App.ErrWriter
	tty := isTTY(w)
	var waitStart, lastPrint time.Time
	return func(e deployer.Event) {
		if e.Phase != "wait" {
			fmt.Fprintln(w, e.Message)
			return
		}
		if waitStart.IsZero() {
			waitStart = e.Time
		}
		if len(e.Pending) == 0 {
			if tty {
				fmt.Fprint(w, "\r\033[K")
			}
			fmt.Fprintf(w, "all resources ready after %s\n", e.Time.Sub(waitStart).Round(time.Second))
			return
		}
		line := pendingLine(e.Pending)
		switch {
		case tty:
			fmt.Fprintf(w, "\r\033[K%s", line)
		case lastPrint.IsZero() || e.Time.Sub(lastPrint) >= 10*time.Second:
			fmt.Fprintln(w, line)
			lastPrint = e.Time
		}
	}
}

func pendingLine(pending []deployer.PendingObject) string {
	parts := make([]string, 0, len(pending))
	for _, p := range pending {
		parts = append(parts, p.Object+" ("+p.Reason+")")
	}
	return fmt.Sprintf("waiting for %d: %s", len(pending), strings.Join(parts, ", "))
}

func waitFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.BoolFlag{Name: flagWait, Usage: "wait until all resources are ready (custom resources with a Ready condition included)"},
		&ucli.BoolFlag{Name: flagWaitForJobs, Usage: "with --wait, also wait for Jobs to complete"},
		&ucli.DurationFlag{Name: flagTimeout, Value: 5 * time.Minute, Usage: "time to wait for any individual Kubernetes operation (like Jobs for hooks)"},
	}
}

// operationOptions maps the flags release commands share onto the options
// every operation takes; a flag the command lacks reads as its zero value.
func operationOptions(c *ucli.Context, dry deployer.DryRun) (deployer.Options, error) {
	labels, err := labelsOf(c)
	if err != nil {
		return deployer.Options{}, err
	}
	method, err := applyMethod(c)
	if err != nil {
		return deployer.Options{}, err
	}
	return deployer.Options{
		DryRun: dry, NoHooks: c.Bool(flagNoHooks), TakeOwnership: c.Bool(flagTakeOwnership), Method: method,
		Wait:    waitOptions(c),
		Failure: deployer.FailureOptions{Atomic: c.Bool(flagAtomic), CleanupOnFail: c.Bool(flagCleanupOnFail)},
		Record:  deployer.RecordOptions{Description: c.String(flagDescription), Labels: labels, MaxHistory: historyMax(c)},
	}, nil
}

// dryRunBool maps a boolean --dry-run (rollback, uninstall) onto mode.
func dryRunBool(c *ucli.Context, mode deployer.DryRun) deployer.DryRun {
	if c.Bool(flagDryRun) {
		return mode
	}
	return deployer.DryRunNone
}

func waitOptions(c *ucli.Context) deployer.WaitOptions {
	return deployer.WaitOptions{Wait: c.Bool(flagWait), WaitForJobs: c.Bool(flagWaitForJobs), Timeout: c.Duration(flagTimeout)}
}

// dryRunFlag is Helm's --dry-run: bare it means "client", and a mode is
// given as --dry-run=server (a following word stays an argument).
func dryRunFlag() ucli.Flag {
	return &ucli.GenericFlag{Name: flagDryRun, Value: &dryRunValue{},
		Usage: `simulate the operation: --dry-run or --dry-run=client (render and validate only), --dry-run=server (also server-side dry run)`}
}

// dryRunValue is a flag value that is boolean on the command line
// (--dry-run) and takes an optional mode (--dry-run=server).
type dryRunValue struct{ mode string }

func (v *dryRunValue) String() string {
	if v == nil {
		return ""
	}
	return v.mode
}

func (v *dryRunValue) Set(s string) error {
	if s == "true" {
		s = "client"
	}
	v.mode = s
	return nil
}

func (v *dryRunValue) IsBoolFlag() bool { return true }

func dryRunMode(c *ucli.Context) (deployer.DryRun, error) {
	switch v := c.String(flagDryRun); v {
	case "", "none", "false":
		return deployer.DryRunNone, nil
	case "client", "true":
		return deployer.DryRunClient, nil
	case "server":
		return deployer.DryRunServer, nil
	default:
		return "", fmt.Errorf(`invalid --dry-run %q: use "client" or "server"`, v)
	}
}

func labelsFlag() ucli.Flag {
	return &ucli.StringSliceFlag{Name: flagLabels, Aliases: []string{"l"}, Usage: "labels added to the release metadata (key=value, comma separated)"}
}

func labelsOf(c *ucli.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range c.StringSlice(flagLabels) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("invalid label %q: want key=value", kv)
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func namespaceFlag() ucli.Flag {
	return &ucli.StringFlag{Name: flagNamespace, Aliases: []string{"n"}, Usage: "namespace scope for this request"}
}

// argsN reads exactly n..m positional arguments (flags may follow them).
func argsN(c *ucli.Context, min, max int, usage string) ([]string, error) {
	args, err := positionalArgs(c)
	if err != nil {
		return nil, err
	}
	if len(args) < min || len(args) > max {
		return nil, fmt.Errorf("%q requires %s\n\nUsage:  berth %s", "berth "+c.Command.Name, argCount(min, max), usage)
	}
	return args, nil
}

func argCount(min, max int) string {
	if max > 100 {
		return fmt.Sprintf("at least %d argument(s)", min)
	}
	if min == max {
		return fmt.Sprintf("exactly %d argument(s)", min)
	}
	return fmt.Sprintf("%d to %d arguments", min, max)
}
