package cli

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci/image"
)

const flagPlatform = "platform"

// bundleExportCommand writes one image of a bundle as a `docker load`-able
// archive: Docker Engines before 25 load only `docker save` archives
// (manifest.json), and a bundle is an OCI layout that also holds the chart.
func bundleExportCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "write one image of a bundle as a tar that docker load accepts",
		ArgsUsage: "release.tar IMAGE -o image.tar [--tag REPO:TAG]",
		Description: "IMAGE is a reference as `berth bundle list` shows it (or its tail, e.g. app:1.0). The image is\n" +
			"tagged with that reference in the archive; a multi-platform image is narrowed to --platform.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "archive to write (required)"},
			&ucli.StringSliceFlag{Name: "tag", Usage: "REPO:TAG to name the image in the archive; repeatable (default: its reference when that has a tag)"},
			&ucli.StringFlag{Name: flagPlatform, Usage: "platform to pick from a multi-platform image", Value: "linux/" + runtime.GOARCH},
		},
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 2 || c.String("output") == "" {
				return errors.New("\"berth bundle export\" requires 2 arguments and -o\n\nUsage:  berth bundle export release.tar IMAGE -o image.tar")
			}
			res, err := image.ExportDockerArchive(c.Context, args[0], args[1], c.String("output"),
				image.ExportOptions{Platform: c.String(flagPlatform), Tags: c.StringSlice("tag")})
			if err != nil {
				return err
			}
			tags := strings.Join(res.Tags, ", ")
			if tags == "" {
				tags = "untagged: give --tag to name it"
			}
			fmt.Fprintf(c.App.Writer, "Wrote %s: %s (%s)\nImage ID: %s\nDigest: %s\nLoad it with: docker load -i %s\n",
				c.String("output"), res.Ref, tags, res.ImageID, res.Digest, c.String("output"))
			return nil
		},
	}
}
