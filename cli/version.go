package cli

import (
	"fmt"
	"runtime"
	"text/template"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

type versionInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`
	GoVersion  string `json:"goVersion"`
	HelmCompat string `json:"helmCompatible"`
	Platform   string `json:"platform"`
}

func versionCommand(build Build) *ucli.Command {
	return &ucli.Command{
		Name:     "version",
		Usage:    "print the berth version and the Helm version it is compatible with",
		Category: groupOther,
		Flags: []ucli.Flag{outputFlag(),
			&ucli.BoolFlag{Name: "short", Usage: "print the version number (and commit) only"},
			&ucli.StringFlag{Name: "template", Usage: "template for the version string format: {{.Version}}, {{.GitCommit}}, {{.GoVersion}}, {{.HelmCompat}}, {{.Platform}}"}},
		Action: func(c *ucli.Context) error {
			info := versionInfo{
				Version:    build.Version,
				Commit:     build.Commit,
				GoVersion:  runtime.Version(),
				HelmCompat: chartfmt.HelmVersion,
				Platform:   runtime.GOOS + "/" + runtime.GOARCH,
			}
			if t := c.String("template"); t != "" {
				tpl, err := template.New("version").Parse(t)
				if err != nil {
					return fmt.Errorf("--template: %w", err)
				}
				return tpl.Execute(c.App.Writer, struct {
					versionInfo
					GitCommit string
				}{info, info.Commit})
			}
			if c.Bool("short") {
				v := info.Version
				if len(info.Commit) >= 7 {
					v += "+g" + info.Commit[:7] // as helm version --short
				}
				_, err := fmt.Fprintln(c.App.Writer, v)
				return err
			}
			if done, err := printStructured(c.App.Writer, c.String(flagOutput), info); done {
				return err
			}
			_, err := fmt.Fprintf(c.App.Writer, "berth %s (commit %s, %s, %s)\ncompatible with Helm %s\n",
				info.Version, info.Commit, info.GoVersion, info.Platform, info.HelmCompat)
			return err
		},
	}
}
