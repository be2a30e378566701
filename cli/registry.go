package cli

import ucli "github.com/urfave/cli/v2"

// registryCommand groups the commands that manage registries themselves.
func registryCommand() *ucli.Command {
	return &ucli.Command{
		Name:     "registry",
		Usage:    "log in to, log out from, or run an OCI registry",
		Category: groupRegistry,
		Subcommands: []*ucli.Command{
			registryLoginCommand(),
			registryLogoutCommand(),
			registryServeCommand(),
		},
	}
}
