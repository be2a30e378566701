package cli

import (
	"fmt"
	"runtime"

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
		Flags:    []ucli.Flag{outputFlag()},
		Action: func(c *ucli.Context) error {
			info := versionInfo{
				Version:    build.Version,
				Commit:     build.Commit,
				GoVersion:  runtime.Version(),
				HelmCompat: chartfmt.HelmVersion,
				Platform:   runtime.GOOS + "/" + runtime.GOARCH,
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
