package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
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
		Category:  groupChart,
		Description: "The manifest is byte-compatible with `helm push`. Its created annotation comes from Chart.yaml,\n" +
			"SOURCE_DATE_EPOCH, or the newest file time inside the archive, so pushing the same chart twice\n" +
			"gives the same digest. Blobs the registry already has are not uploaded again.",
		Flags:  append(registryFlags(), outputFlag()),
		Action: runPush,
	}
}

func runPush(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return errors.New("\"berth push\" requires 2 arguments\n\nUsage:  berth push CHART REMOTE [flags]")
	}
	src, dest := args[0], args[1]
	epoch, err := chartfmt.SourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	tgz, err := chartArchive(src, epoch)
	if err != nil {
		return err
	}
	opts := oci.PushOptions{Created: epoch}
	// Like helm push, a provenance file next to the archive is attached.
	if prov, err := os.ReadFile(src + ".prov"); err == nil {
		opts.Prov = prov
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	res, err := client.Push(c.Context, tgz, dest, opts)
	if err != nil {
		return err
	}
	out := pushOutput{Ref: res.Ref.WithDigest("").String(), Digest: res.Digest, Pinned: res.Pinned,
		Name: res.Name, Version: res.Version, Uploaded: res.Uploaded, Skipped: res.Skipped}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), out); done {
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "Pushed: %s\nDigest: %s\nPinned: %s\n", out.Ref, out.Digest, out.Pinned)
	return err
}

// chartArchive returns src as .tgz bytes: read as is, or packaged
// reproducibly when src is a chart directory.
func chartArchive(src string, epoch time.Time) ([]byte, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if !fi.IsDir() {
		return os.ReadFile(src)
	}
	ch, err := chartfmt.LoadDir(src)
	if err != nil {
		return nil, err
	}
	return chartfmt.Package(ch, chartfmt.PackageOptions{ModTime: epoch})
}
