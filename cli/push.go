package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

type pushOutput struct {
	Ref      string `json:"ref"`
	Digest   string `json:"digest"`
	Pinned   string `json:"pinned"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Uploaded int    `json:"uploadedBlobs"`
	Skipped  int    `json:"skippedBlobs"`
}

func pushCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "push",
		Usage:     "push a chart (.tgz or directory) to an OCI registry as oci://host/ns/<name>:<version>",
		ArgsUsage: "CHART REMOTE",
		Category:  groupRegistry,
		Description: "The manifest is byte-compatible with `helm push`. Its created annotation comes from Chart.yaml,\n" +
			"SOURCE_DATE_EPOCH, or the newest file time inside the archive, so pushing the same chart twice\n" +
			"gives the same digest. Blobs the registry already has are not uploaded again. A version tag that\n" +
			"names another digest is not moved without --force; pushing the same digest again does nothing.",
		Flags:  append(append(registryFlags(), outputFlag(), forceFlag()), signFlags()...),
		Action: runPush,
	}
}

func runPush(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) < 2 {
		return errors.New("\"berth push\" requires at least 2 arguments\n\nUsage:  berth push CHART [CHART...] REMOTE [flags]")
	}
	srcs, dest := args[:len(args)-1], args[len(args)-1]
	epoch, err := sourceDateEpoch(c)
	if err != nil {
		return err
	}
	charts := make([]*chartsource.Source, len(srcs))
	for i, src := range srcs { // paths only: push takes charts on disk
		opts := chartsource.Options{Form: chartsource.FormArchive, Created: epoch, Accept: []chartsource.Kind{chartsource.Local}}
		if charts[i], err = chartsource.Resolve(c.Context, src, opts); err != nil {
			return err
		}
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	sign, err := signOptions(c)
	if err != nil {
		return err
	}
	var results []*oci.PushResult
	if len(srcs) == 1 {
		// Like helm push, a provenance file next to the archive is attached.
		opts := oci.PushOptions{Created: epoch, Force: c.Bool(flagForce), Sign: sign, Prov: charts[0].Prov}
		res, err := client.Push(c.Context, charts[0].Archive, dest, opts)
		if err != nil {
			return err
		}
		results = []*oci.PushResult{res}
	} else if results, err = client.PushAll(c.Context, archives(charts), dest, oci.PushOptions{Created: epoch, Force: c.Bool(flagForce), Sign: sign}, 0); err != nil {
		return err
	}
	return printPushed(c, results)
}

const flagForce = "force"

// forceFlag lets push, release, copy and bundle push move a chart version
// tag that already names another digest.
func forceFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagForce, Usage: "move the chart version tag if it names another digest (versions are immutable without it)"}
}

func printPushed(c *ucli.Context, results []*oci.PushResult) error {
	outs := make([]pushOutput, len(results))
	for i, res := range results {
		signedLines(c, []*oci.SignResult{res.Signature})
		outs[i] = pushOutput{Ref: res.Ref.WithDigest("").String(), Digest: res.Digest, Pinned: res.Pinned,
			Name: res.Name, Version: res.Version, Uploaded: res.Uploaded, Skipped: res.Skipped}
	}
	var structured any = outs
	if len(outs) == 1 {
		structured = outs[0]
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), structured); done {
		return err
	}
	for _, out := range outs {
		if _, err := fmt.Fprintf(c.App.Writer, "Pushed: %s\nDigest: %s\nPinned: %s\n", out.Ref, out.Digest, out.Pinned); err != nil {
			return err
		}
	}
	return nil
}

// archives are the charts' .tgz bytes.
func archives(charts []*chartsource.Source) [][]byte {
	out := make([][]byte, len(charts))
	for i, ch := range charts {
		out[i] = ch.Archive
	}
	return out
}
