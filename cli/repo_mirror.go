package cli

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/oci"
)

const (
	flagMirrorTo    = "to"
	flagMirrorChart = "chart"
	flagParallel    = "parallel"
)

func repoMirrorCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagMirrorTo, Usage: "destination namespace, oci://HOST/NS (charts land in NS/NAME:VERSION)"},
		&ucli.StringFlag{Name: flagVersion, Usage: "only versions in this semver range (default: every version)"},
		&ucli.StringSliceFlag{Name: flagMirrorChart, Usage: "only this chart (repeatable; default: every chart)"},
		&ucli.IntFlag{Name: flagParallel, Aliases: []string{"j"}, Value: 4, Usage: "versions copied at once"},
		&ucli.BoolFlag{Name: flagForce, Usage: "move a destination tag that names another digest"},
		&ucli.BoolFlag{Name: flagWithImages, Usage: "also copy the images each version's default render deploys into the same namespace (by digest, with their signatures), as copy --with-images does"},
		&ucli.StringFlag{Name: fromPrefix + flagCAFile, Usage: "source URL: verify its certificate using this CA bundle"},
		&ucli.StringFlag{Name: fromPrefix + flagCertFile, Usage: "source URL: identify with this SSL certificate file"},
		&ucli.StringFlag{Name: fromPrefix + flagKeyFile, Usage: "source URL: identify with this SSL key file"},
		&ucli.BoolFlag{Name: fromPrefix + flagInsecureTLS, Usage: "source URL: skip tls certificate checks"},
		&ucli.StringFlag{Name: fromPrefix + flagUsername, Usage: "source URL: username"},
		&ucli.StringFlag{Name: fromPrefix + flagPassword, Usage: "source URL: password"},
		timeoutFlag(), outputFlag(),
	}
	return &ucli.Command{
		Name:      "mirror",
		Usage:     "push every chart version of a classic repository to an OCI registry, original archives unchanged",
		ArgsUsage: "REPO_OR_URL --to oci://HOST/NS",
		Description: "REPO_OR_URL is a repository of repositories.yaml (its credentials and TLS settings are used) or\n" +
			"an http(s):// repository URL (with the --from-* settings). Each version is pushed as helm push\n" +
			"pushes its .tgz; versions already in the registry upload nothing, so a second run is a no-op.\n" +
			"The registry flags apply to the destination.",
		Flags:  append(flags, registryFlags()...),
		Action: runRepoMirror,
	}
}

type mirrorOutput struct {
	Name          string              `json:"name"`
	Version       string              `json:"version"`
	Status        string              `json:"status"`
	Ref           string              `json:"ref,omitempty"`
	Digest        string              `json:"digest,omitempty"`
	Images        []oci.ReleasedImage `json:"images,omitempty"`
	UploadedBlobs int                 `json:"uploadedBlobs"`
	UploadedBytes int64               `json:"uploadedBytes"`
	Error         string              `json:"error,omitempty"`
}

func runRepoMirror(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("\"berth repo mirror\" requires 1 argument\n\nUsage:  berth repo mirror REPO_OR_URL --to oci://HOST/NS [flags]")
	}
	if c.String(flagMirrorTo) == "" {
		return errors.New("berth repo mirror: --to oci://HOST/NS is required")
	}
	src, err := mirrorSource(c, args[0])
	if err != nil {
		return err
	}
	dest, err := registryClient(c)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	opts := chartrepo.MirrorOptions{To: c.String(flagMirrorTo), Version: c.String(flagVersion),
		Charts: c.StringSlice(flagMirrorChart), Concurrency: c.Int(flagParallel), Force: c.Bool(flagForce)}
	if c.Bool(flagWithImages) {
		opts.Images = &oci.CopyOptions{}
	}
	if !quietEnabled(c) {
		opts.Progress = func(it chartrepo.MirrorItem) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(c.App.ErrWriter, "%s %s %s\n", mirrorStatus(it), it.Name, it.Version)
		}
	}
	res, err := chartrepo.Mirror(c.Context, src, dest, opts, repoOptions(c))
	if res == nil {
		return err
	}
	if perr := printMirror(c, res); perr != nil {
		return perr
	}
	if errors.Is(err, chartrepo.ErrMirrorIncomplete) {
		var b strings.Builder
		for _, f := range res.Failed() {
			fmt.Fprintf(&b, "\n  %s %s: %v", f.Name, f.Version, f.Err)
		}
		return fmt.Errorf("mirror: %w:%s", err, b.String())
	}
	return err
}

// mirrorSource is the configured repository called name, or an entry for
// a repository URL with the --from-* settings.
func mirrorSource(c *ucli.Context, arg string) (*chartrepo.Entry, error) {
	if !strings.Contains(arg, "://") {
		cfg, err := chartrepo.LoadConfig(repoPaths(c).Config)
		if err != nil {
			return nil, fmt.Errorf("repo %s not found: %w", arg, err)
		}
		if e := cfg.Get(arg); e != nil {
			return e, nil
		}
		return nil, fmt.Errorf("repo %s not found (give a configured repository name or an https:// URL)", arg)
	}
	return &chartrepo.Entry{
		URL: arg, CAFile: c.String(fromPrefix + flagCAFile), CertFile: c.String(fromPrefix + flagCertFile),
		KeyFile: c.String(fromPrefix + flagKeyFile), InsecureSkipTLSVerify: c.Bool(fromPrefix + flagInsecureTLS),
		Username: c.String(fromPrefix + flagUsername), Password: c.String(fromPrefix + flagPassword),
	}, nil
}

func mirrorStatus(it chartrepo.MirrorItem) string {
	switch {
	case it.Err != nil:
		return "failed"
	case it.Uploaded > 0:
		return "pushed"
	}
	return "present"
}

func printMirror(c *ucli.Context, res *chartrepo.MirrorResult) error {
	outs := make([]mirrorOutput, len(res.Items))
	rows := [][]string{{"CHART", "VERSION", "STATUS", "DIGEST"}}
	withImages := c.Bool(flagWithImages)
	if withImages {
		rows[0] = append(rows[0], "IMAGES")
	}
	var pushed, present, failed int
	var bytes int64
	for i, it := range res.Items {
		o := mirrorOutput{Name: it.Name, Version: it.Version, Status: mirrorStatus(it), Ref: it.Ref, Digest: it.Digest,
			Images: it.Images, UploadedBlobs: it.Uploaded, UploadedBytes: it.UploadedBytes}
		if it.Err != nil {
			o.Error = it.Err.Error()
		}
		outs[i] = o
		row := []string{it.Name, it.Version, o.Status, it.Digest}
		if withImages {
			row = append(row, fmt.Sprint(len(it.Images)))
		}
		rows = append(rows, row)
		bytes += it.UploadedBytes
		switch o.Status {
		case "pushed":
			pushed++
		case "present":
			present++
		default:
			failed++
		}
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), outs); done {
		return err
	}
	if err := helmTable(c.App.Writer, 0, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(c.App.Writer, "%d versions: %d pushed, %d already present, %d failed; %d bytes uploaded\n",
		len(res.Items), pushed, present, failed, bytes)
	return err
}
