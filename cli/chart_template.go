package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

const (
	flagKubeVersion = "kube-version"
	flagAPIVersions = "api-versions"
	flagShowOnly    = "show-only"
	flagIncludeCRDs = "include-crds"
	flagSkipTests   = "skip-tests"
	flagIsUpgrade   = "is-upgrade"
	flagNoHooks     = "no-hooks"
	flagOutputDir   = "output-dir"
	flagNameTmpl    = "name-template"
	flagGenerate    = "generate-name"
	flagReleaseName = "release-name"
	flagPostRender  = "post-renderer"
	flagPostRArgs   = "post-renderer-args"
	flagDepUpdate   = "dependency-update"
	flagValidate    = "validate"
)

func templateCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagNamespace, Aliases: []string{"n"}, Usage: "namespace scope for this request"},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version used for Capabilities.KubeVersion"},
		&ucli.BoolFlag{Name: flagIncludeCRDs, Usage: "include CRDs in the templated output"},
		&ucli.BoolFlag{Name: flagSkipTests, Usage: "skip tests from templated output"},
		&ucli.BoolFlag{Name: flagIsUpgrade, Usage: "set .Release.IsUpgrade instead of .Release.IsInstall"},
		&ucli.BoolFlag{Name: flagNoHooks, Usage: "prevent hooks from running during install"},
		&ucli.StringFlag{Name: flagNameTmpl, Usage: "specify template used to name the release"},
		&ucli.BoolFlag{Name: flagGenerate, Aliases: []string{"g"}, Usage: "generate the name (and omit the NAME parameter); template keeps \"release-name\""},
		&ucli.StringFlag{Name: flagOutputDir, Usage: "writes the executed templates to files in output-dir instead of stdout"},
		&ucli.BoolFlag{Name: flagReleaseName, Usage: "use release name in the output-dir path"},
		&ucli.BoolFlag{Name: flagSkipCRDs, Usage: "accepted as Helm does: template never installs CRDs (--include-crds prints them)"},
		dependencyUpdateFlag(),
		&ucli.BoolFlag{Name: flagValidate, Usage: "validate the manifests against the cluster (its version and APIs; --dry-run=server also answers lookup from it), as an install would, writing nothing"},
	}
	flags = append(flags, postRenderFlags()...)
	flags = append(flags, templateInstallFlags()...)
	flags = append(flags, arrayFlag(flagAPIVersions, []string{"a"}, "Kubernetes api versions used for Capabilities.APIVersions")...)
	flags = append(flags, arrayFlag(flagShowOnly, []string{"s"}, "only show manifests rendered from the given templates")...)
	flags = append(flags,
		&ucli.StringFlag{Name: flagVersion, Usage: "chart version for oci:// charts: a tag, a semver range or an @sha256: digest"},
		&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too (equivalent to version '>0.0.0-0')"})
	flags = append(append(flags, registryFlags()...), renderVerifyFlags()...)
	flags = append(flags, repoURLFlags()...)
	return &ucli.Command{
		Name:      "template",
		Usage:     "render chart templates locally, as `helm template` does",
		ArgsUsage: "[NAME] CHART",
		Category:  groupChart,
		Flags:     append(flags, valuesFlags()...),
		Action:    runTemplate,
	}
}

func runTemplate(c *ucli.Context) error {
	args, err := positionalArgs(c) // flags after NAME CHART are set on c
	if err != nil {
		return err
	}
	if kv := c.String(flagKubeVersion); kv != "" {
		if _, err := chartfmt.ParseKubeVersion(kv); err != nil {
			return err // checked first, as helm does
		}
	}
	name, chartPath, err := templateArgs(args, c.String(flagNameTmpl), c.Bool(flagGenerate))
	if err != nil {
		return err
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	pr, err := postRenderer(c)
	if err != nil {
		return err
	}
	if c.Bool(flagDepUpdate) {
		if err := updateMissingDependencies(c, chartPath); err != nil {
			return err
		}
	}
	ch, _, err := resolveChart(c, chartPath)
	if err != nil {
		return err
	}
	warn := renderWarnings(c, c.Bool(flagDebug))
	if ch.Metadata.Deprecated {
		fmt.Fprintln(c.App.ErrWriter, chartfmt.DeprecatedWarning)
	}
	ro := chartfmt.RenderOptions{
		ReleaseName:          name,
		Namespace:            namespaceOf(c),
		IsUpgrade:            c.Bool(flagIsUpgrade),
		KubeVersion:          c.String(flagKubeVersion),
		APIVersions:          arrayValue(c, flagAPIVersions),
		SkipSchemaValidation: c.Bool(flagSkipSchemaVl),
		Warn:                 warn,
	}
	live, err := liveCluster(c, &ro)
	if err != nil {
		return err
	}
	r, err := chartfmt.Render(c.Context, ch, vals, ro)
	if err != nil {
		var re *chartfmt.RenderError
		if errors.As(err, &re) {
			return fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
		}
		return err
	}
	if live != nil && c.Bool(flagValidate) {
		if err := live.ValidateRendered(r, ro.Namespace); err != nil {
			return err
		}
	}
	outOpts := chartfmt.TemplateOutputOptions{
		IncludeCRDs: c.Bool(flagIncludeCRDs),
		SkipTests:   c.Bool(flagSkipTests),
		NoHooks:     c.Bool(flagNoHooks),
		ShowOnly:    arrayValue(c, flagShowOnly),
	}
	if dir := c.String(flagOutputDir); dir != "" {
		if c.Bool(flagReleaseName) {
			dir = filepath.Join(dir, name)
		}
		wrote, err := r.WriteTemplateFiles(dir, outOpts)
		for _, p := range wrote {
			fmt.Fprintf(c.App.Writer, "wrote %s\n", p)
		}
		if err != nil {
			return err
		}
		// Helm then prints its (empty) manifest stream: one newline.
		_, err = io.WriteString(c.App.Writer, "\n")
		return err
	}
	var out string
	if pr != nil {
		var pre *chartfmt.PostRenderError
		if out, err = r.PostRenderedTemplateOutput(c.Context, outOpts, pr); errors.As(err, &pre) {
			return fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
		} else if err != nil {
			return err
		}
	} else if out, err = r.TemplateOutput(outOpts); err != nil {
		return err
	}
	_, err = io.WriteString(c.App.Writer, out)
	return err
}

// templateArgs reads [NAME] CHART as helm template does: without a name,
// --name-template renders one, else the name is "release-name" (helm
// template presets it, so --generate-name never applies).
func templateArgs(args []string, nameTemplate string, generate bool) (string, string, error) {
	switch {
	case len(args) > 2:
		return "", "", fmt.Errorf("expected at most two arguments, unexpected arguments: %v", strings.Join(args[2:], ", "))
	case len(args) == 2 && generate:
		return "", "", errors.New("cannot set --generate-name and also specify a name")
	case len(args) == 2 && nameTemplate != "":
		return "", "", errors.New("cannot set --name-template and also specify a name")
	case len(args) == 2:
		return args[0], args[1], nil
	case len(args) == 0:
		return "", "", errors.New("\"berth template\" requires at least 1 argument\n\nUsage:  berth template [NAME] CHART [flags]")
	case nameTemplate != "":
		name, err := chartfmt.TemplateName(nameTemplate)
		return name, args[0], err
	}
	return "release-name", args[0], nil
}

// namespaceOf is -n given to the command, else the global -n, else
// $HELM_NAMESPACE, else "default".
func namespaceOf(c *ucli.Context) string {
	if ns, ok := globalSet(c, flagNamespace); ok {
		return ns
	}
	if ns := os.Getenv("HELM_NAMESPACE"); ns != "" {
		return ns
	}
	return "default"
}
