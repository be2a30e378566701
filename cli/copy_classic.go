package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

// copyClassic is runCopy's hook for a classic repository's chart (REPO/CHART
// for its newest stable version, or an https://…/chart.tgz URL): the archive
// is pushed unchanged, as helm push would push it.
func copyClassic(c *ucli.Context, client *oci.Client, ref string, o chartsource.Options) error {
	if c.Bool(flagWithImages) {
		return errors.New("copy --with-images takes an oci:// chart: mirror the classic chart first (berth repo mirror REPO --to oci://HOST/NS), then copy that reference")
	}
	got, err := chartsource.Resolve(c.Context, ref, o)
	if err != nil {
		return err
	}
	pushed, err := client.Push(c.Context, got.Archive, c.String(flagTo), oci.PushOptions{Force: c.Bool(flagForce)})
	if err != nil {
		return err
	}
	return printReleaseResult(c, &oci.ReleaseResult{Chart: pushed})
}
