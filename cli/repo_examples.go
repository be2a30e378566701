package cli

// repoHelpExamples are the EXAMPLES of the classic repository commands,
// merged into helpExamples.
func repoHelpExamples() map[string]string {
	return map[string]string{
		"repo": `berth repo add bitnami https://charts.bitnami.com/bitnami
berth repo update
berth search repo nginx
berth install web bitnami/nginx --version '^15'`,
		"repo add": `berth repo add internal https://charts.example.com --username ci --password-stdin < token.txt
berth repo add internal https://charts.example.com --ca-file ca.pem --force-update`,
		"repo list": `berth repo list -o json`,
		"repo update": `berth repo update                       # every repository
berth repo update internal --fail-on-repo-update-fail`,
		"repo remove": `berth repo remove internal`,
		"repo index": `berth repo index ./public --url https://charts.example.com
berth repo index ./public --url https://charts.example.com --merge old-index.yaml`,
		"repo mirror": `berth repo mirror internal --to oci://reg.example.com/charts
berth repo mirror https://charts.example.com --to oci://reg.example.com/charts --chart api --version '>=2.0.0'`,
		"search repo": `berth search repo nginx
berth search repo bitnami/ --versions --version '^15' -o json`,
	}
}
