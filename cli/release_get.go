package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"
	"time"

	ucli "github.com/urfave/cli/v2"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
)

func getCommand() *ucli.Command {
	sub := func(name, usage string, extra []ucli.Flag, show func(*ucli.Context, *deployer.Release) error) *ucli.Command {
		flags := append([]ucli.Flag{namespaceFlag(),
			&ucli.IntFlag{Name: flagRevision, Usage: "get the named release with revision"}}, extra...)
		return &ucli.Command{Name: name, Usage: usage, ArgsUsage: "NAME", Flags: flags,
			Action: func(c *ucli.Context) error { return runGet(c, show) }}
	}
	return &ucli.Command{
		Name:     "get",
		Usage:    "download extended information of a named release",
		Category: groupRelease,
		Subcommands: []*ucli.Command{
			sub("values", "download the values file for a named release", []ucli.Flag{outputFlag(),
				&ucli.BoolFlag{Name: flagAll, Aliases: []string{"a"}, Usage: "dump all (computed) values"}}, showValues),
			sub("manifest", "download the manifest for a named release", nil, func(c *ucli.Context, r *deployer.Release) error {
				_, err := fmt.Fprintln(c.App.Writer, r.Manifest) // helm ends with an empty line too
				return err
			}),
			sub("notes", "download the notes for a named release", nil, func(c *ucli.Context, r *deployer.Release) error {
				return writeNotes(c.App.Writer, r)
			}),
			sub("hooks", "download all hooks for a named release", nil, func(c *ucli.Context, r *deployer.Release) error {
				return writeHooks(c.App.Writer, r)
			}),
			sub("all", "download all information for a named release", []ucli.Flag{
				&ucli.StringFlag{Name: flagGetTemplate, Usage: "go template for formatting the output, eg: {{.Release.Name}}"}}, showAll),
			sub("metadata", "fetch metadata for a given release", []ucli.Flag{outputFlag()}, showMetadata),
		},
	}
}

func runGet(c *ucli.Context, show func(*ucli.Context, *deployer.Release) error) error {
	args, err := argsN(c, 1, 1, "get "+c.Command.Name+" NAME [flags]")
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	r, err := d.Get(c.Context, deployer.Target{Name: args[0], Namespace: ns}, c.Int(flagRevision))
	if err != nil {
		return err
	}
	return show(c, r)
}

// releaseValues is what get values prints: the user's values as stored (nil,
// printed as null like helm, when there are none), or with all the computed
// values.
func releaseValues(r *deployer.Release, all bool) map[string]any {
	if !all {
		return r.Config
	}
	vals := chartfmt.MergeTables(map[string]any{}, r.Config)
	if r.Chart != nil {
		vals = chartfmt.CoalesceTables(vals, r.Chart.Values)
	}
	return vals
}

func showValues(c *ucli.Context, r *deployer.Release) error {
	all := c.Bool(flagAll)
	vals := releaseValues(r, all)
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), vals); done {
		return err
	}
	header := "USER-SUPPLIED VALUES:"
	if all {
		header = "COMPUTED VALUES:"
	}
	return writeYAML(c.App.Writer, header, vals)
}

func writeYAML(w io.Writer, header string, v map[string]any) error {
	fmt.Fprintln(w, header)
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func writeNotes(w io.Writer, r *deployer.Release) error {
	if r.Info == nil || r.Info.Notes == "" {
		return nil
	}
	_, err := fmt.Fprintf(w, "NOTES:\n%s\n", r.Info.Notes) // as helm prints it
	return err
}

func writeHooks(w io.Writer, r *deployer.Release) error {
	for _, h := range r.Hooks {
		if _, err := fmt.Fprintf(w, "---\n# Source: %s\n%s\n", h.Path, h.Manifest); err != nil {
			return err
		}
	}
	return nil
}

const flagGetTemplate = "template"

// showAll prints the release as status does with values, hooks and
// manifest; with --template, the Go template run over {"Release": r}, as
// helm does (the release's fields have helm's Go names: .Release.Name,
// .Release.Info.Status, .Release.Chart.Metadata.Version, …).
func showAll(c *ucli.Context, r *deployer.Release) error {
	if t := c.String(flagGetTemplate); t != "" {
		tt, err := template.New("_").Parse(t)
		if err != nil {
			return err
		}
		return tt.Execute(c.App.Writer, map[string]any{"Release": r})
	}
	return writeRelease(c.App.Writer, r, nil, true, false, nil)
}

// releaseMetadata is what helm get metadata prints, in its JSON shape.
type releaseMetadata struct {
	Name         string                 `json:"name"`
	Chart        string                 `json:"chart"`
	Version      string                 `json:"version"`
	AppVersion   string                 `json:"appVersion"`
	Annotations  map[string]string      `json:"annotations,omitempty"`
	Dependencies []*chartfmt.Dependency `json:"dependencies,omitempty"`
	Namespace    string                 `json:"namespace"`
	Revision     int                    `json:"revision"`
	Status       string                 `json:"status"`
	DeployedAt   string                 `json:"deployedAt"`
}

func showMetadata(c *ucli.Context, r *deployer.Release) error {
	m := releaseMetadata{Name: r.Name, Namespace: r.Namespace, Revision: r.Version}
	if r.Chart != nil && r.Chart.Metadata != nil {
		md := r.Chart.Metadata
		m.Chart, m.Version, m.AppVersion, m.Annotations, m.Dependencies = md.Name, md.Version, md.AppVersion, md.Annotations, md.Dependencies
	}
	if r.Info != nil {
		m.Status = string(r.Info.Status)
		m.DeployedAt = r.Info.LastDeployed.Format(time.RFC3339)
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), m); done {
		return err
	}
	var deps []string
	for _, d := range m.Dependencies {
		deps = append(deps, d.Name)
	}
	sort.Strings(deps)
	_, err := fmt.Fprintf(c.App.Writer, "NAME: %s\nCHART: %s\nVERSION: %s\nAPP_VERSION: %s\nANNOTATIONS: %s\nDEPENDENCIES: %s\nNAMESPACE: %s\nREVISION: %d\nSTATUS: %s\nDEPLOYED_AT: %s\n",
		m.Name, m.Chart, m.Version, m.AppVersion, labelSet(m.Annotations), strings.Join(deps, ","), m.Namespace, m.Revision, m.Status, m.DeployedAt)
	return err
}

// labelSet prints a map as Kubernetes prints a label set: k=v pairs sorted
// by key, comma separated.
func labelSet(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}
