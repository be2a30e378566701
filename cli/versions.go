package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

func versionsCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "versions",
		Usage:     "list a chart's versions in an OCI registry (newest first, with digests)",
		ArgsUsage: "oci://HOST/NS/NAME",
		Category:  groupRegistry,
		Flags:     append(registryFlags(), outputFlag()),
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth versions\" requires 1 argument\n\nUsage:  berth versions oci://HOST/NS/NAME [flags]")
			}
			client, err := registryClient(c)
			if err != nil {
				return err
			}
			list, err := client.Versions(c.Context, args[0])
			if err != nil {
				return err
			}
			list.OtherTags = slices.DeleteFunc(list.OtherTags, isSignatureTag)
			if done, err := printStructured(c.App.Writer, c.String(flagOutput), list); done {
				return err
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tCREATED\tDIGEST")
			for _, v := range list.Versions {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Version, createdColumn(v.Created), v.Digest)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(list.OtherTags) > 0 {
				_, err = fmt.Fprintf(c.App.Writer, "\nTags that are not semantic versions (Helm ignores them): %s\n", strings.Join(list.OtherTags, ", "))
			}
			return err
		},
	}
}

// createdColumn is the chart's own creation date, or "-" when it has none:
// no created annotation, or the fixed date of a reproducible archive
// (1980-01-01, what berth package writes without SOURCE_DATE_EPOCH), which
// says nothing about when the chart was made.
func createdColumn(created string) string {
	t, err := time.Parse(time.RFC3339, created)
	if created == "" || (err == nil && t.Equal(chartfmt.DefaultModTime)) {
		return "-"
	}
	return created
}

// isSignatureTag reports the tags cosign-style signatures, attestations and
// SBOMs use for a manifest (sha256-<hex>.sig|.att|.sbom): artifacts about a
// version, not versions.
func isSignatureTag(tag string) bool {
	hex, ok := strings.CutPrefix(tag, "sha256-")
	if !ok {
		return false
	}
	for _, ext := range []string{".sig", ".att", ".sbom"} {
		if h, ok := strings.CutSuffix(hex, ext); ok && len(h) == 64 && strings.Trim(h, "0123456789abcdef") == "" {
			return true
		}
	}
	return false
}
