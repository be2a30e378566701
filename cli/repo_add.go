package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
)

func repoAddCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "add",
		Usage:     "add a chart repository to repositories.yaml (after reading its index)",
		ArgsUsage: "NAME URL",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: flagUsername, Usage: "chart repository username"},
			&ucli.StringFlag{Name: flagPassword, Usage: "chart repository password"},
			&ucli.BoolFlag{Name: flagPasswordStdin, Usage: "read chart repository password from stdin"},
			&ucli.StringFlag{Name: flagCAFile, Usage: "verify certificates of HTTPS-enabled servers using this CA bundle"},
			&ucli.StringFlag{Name: flagCertFile, Usage: "identify HTTPS client using this SSL certificate file"},
			&ucli.StringFlag{Name: flagKeyFile, Usage: "identify HTTPS client using this SSL key file"},
			&ucli.BoolFlag{Name: flagInsecureTLS, Usage: "skip tls certificate checks for the repository"},
			&ucli.BoolFlag{Name: flagPassCreds, Usage: "pass credentials to all domains"},
			&ucli.BoolFlag{Name: flagForceUpdate, Usage: "replace (overwrite) the repo if it already exists"},
			&ucli.BoolFlag{Name: "no-update", Hidden: true, Usage: "ignored (deprecated in helm)"},
			&ucli.BoolFlag{Name: "allow-deprecated-repos", Hidden: true, Usage: "accepted for helm compatibility"},
			timeoutFlag(),
		},
		Action: runRepoAdd,
	}
}

func runRepoAdd(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return errors.New("\"berth repo add\" requires 2 arguments\n\nUsage:  berth repo add NAME URL [flags]")
	}
	e := &chartrepo.Entry{
		Name: args[0], URL: args[1], Username: c.String(flagUsername), Password: c.String(flagPassword),
		CAFile: c.String(flagCAFile), CertFile: c.String(flagCertFile), KeyFile: c.String(flagKeyFile),
		InsecureSkipTLSVerify: c.Bool(flagInsecureTLS), PassCredentialsAll: c.Bool(flagPassCreds),
	}
	if e.Password, err = repoPassword(c, e.Username, e.Password); err != nil {
		return err
	}
	added, err := chartrepo.Add(c.Context, repoPaths(c), e, c.Bool(flagForceUpdate), repoOptions(c))
	if err != nil {
		return err
	}
	if !added {
		_, err = fmt.Fprintf(c.App.Writer, "%q already exists with the same configuration, skipping\n", e.Name)
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "%q has been added to your repositories\n", e.Name)
	return err
}

// repoPassword reads the password from stdin (--password-stdin) or the
// terminal when only a username was given, as helm does.
func repoPassword(c *ucli.Context, username, password string) (string, error) {
	if c.Bool(flagPasswordStdin) {
		if password != "" {
			return "", errors.New("--password and --password-stdin are mutually exclusive")
		}
		line, err := bufio.NewReader(c.App.Reader).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if username == "" || password != "" {
		return password, nil
	}
	_, p, err := promptCredentials(c, username)
	return p, err
}

// redactURL hides a password written into a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
