// Package deployer installs, upgrades, rolls back and uninstalls rendered
// charts on a Kubernetes cluster and keeps releases in Helm-format Secrets.
package deployer
