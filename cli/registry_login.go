package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"
)

const flagPasswordStdin = "password-stdin"

func registryLoginCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagUsername, Aliases: []string{"u"}, Usage: "registry username"},
		&ucli.StringFlag{Name: flagPassword, Aliases: []string{"p"}, Usage: "registry password or identity token"},
		&ucli.BoolFlag{Name: flagPasswordStdin, Usage: "read password or identity token from stdin"},
		&ucli.BoolFlag{Name: "insecure", Usage: "allow connections to TLS registry without certs"},
		&ucli.BoolFlag{Name: flagPlainHTTP, Usage: "use insecure HTTP connections"},
		&ucli.StringFlag{Name: flagCAFile, Usage: "verify certificates of HTTPS-enabled servers using this CA bundle"},
		&ucli.StringFlag{Name: flagCertFile, Usage: "identify registry client using this SSL certificate file"},
		&ucli.StringFlag{Name: flagKeyFile, Usage: "identify registry client using this SSL key file"},
	}
	return &ucli.Command{
		Name:      "login",
		Usage:     "check credentials against a registry and store them in Docker's config.json",
		ArgsUsage: "HOST",
		Flags:     flags,
		Action:    runRegistryLogin,
	}
}

func runRegistryLogin(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("\"berth registry login\" requires 1 argument\n\nUsage:  berth registry login HOST [flags]")
	}
	password := c.String(flagPassword)
	if c.Bool(flagPasswordStdin) {
		if password != "" {
			return errors.New("--password and --password-stdin are mutually exclusive")
		}
		line, err := bufio.NewReader(c.App.Reader).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else if password != "" {
		fmt.Fprintln(c.App.ErrWriter, "WARNING: Using --password via the CLI is insecure. Use --password-stdin.") // as helm
	}
	username := c.String(flagUsername)
	if password == "" {
		var err error
		if username, password, err = promptCredentials(c, username); err != nil {
			return err
		}
	}
	client, err := loginClient(c)
	if err != nil {
		return err
	}
	if err := client.Login(c.Context, args[0], username, password); err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.App.ErrWriter, "Login Succeeded")
	return err
}

func registryLogoutCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "logout",
		Usage:     "remove a registry's credentials from Docker's config.json",
		ArgsUsage: "HOST",
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth registry logout\" requires 1 argument\n\nUsage:  berth registry logout HOST")
			}
			client, err := loginClient(c)
			if err != nil {
				return err
			}
			if err := client.Logout(c.Context, args[0]); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.App.ErrWriter, "Removing login credentials for %s\n", args[0])
			return err
		},
	}
}

// promptCredentials asks for what is missing on the terminal, as helm does:
// Username, then Password (or Token when the username is empty).
func promptCredentials(c *ucli.Context, username string) (string, string, error) {
	in, ok := c.App.Reader.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", "", errors.New("no password given: use --password-stdin or -p (stdin is not a terminal)")
	}
	if username == "" {
		fmt.Fprint(c.App.ErrWriter, "Username: ")
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil {
			return "", "", fmt.Errorf("read username: %w", err)
		}
		username = strings.TrimSpace(line)
	}
	label := "Password: "
	if username == "" {
		label = "Token: "
	}
	fmt.Fprint(c.App.ErrWriter, label)
	secret, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(c.App.ErrWriter)
	if err != nil {
		return "", "", fmt.Errorf("read password: %w", err)
	}
	return username, string(secret), nil
}
