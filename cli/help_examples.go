package cli

// helpExamples returns the EXAMPLES section of each command's --help, keyed
// by the command's path below berth ("bundle save"). TestHelpEveryCommand
// fails when a command has none, so new commands get examples too.
func helpExamples() map[string]string {
	return map[string]string{
		// Chart
		"create": `berth create hello                      # a starter chart in ./hello
berth create charts/api                 # chart "api" under ./charts`,
		"template": `berth template web ./hello                          # render to stdout
berth template web ./hello -f prod.yaml --set replicaCount=3
berth template web oci://reg.example.com/charts/hello --version 1.2.0
berth template web ./hello --output-dir out/        # one file per template`,
		"package": `berth package ./hello                   # hello-0.1.0.tgz, byte-identical on every run
berth package ./hello --version 1.2.3 --app-version 2.0 -d dist/
SOURCE_DATE_EPOCH=1700000000 berth package ./hello`,
		"lint": `berth lint ./hello
berth lint ./hello --strict -f ci/values.yaml`,
		"show": `berth show chart ./hello
berth show values oci://reg.example.com/charts/hello --version 1.2.0`,
		"show all":    `berth show all oci://reg.example.com/charts/hello@sha256:…`,
		"show chart":  `berth show chart ./hello-0.1.0.tgz`,
		"show values": `berth show values oci://reg.example.com/charts/hello --version '~1.2'`,
		"show readme": `berth show readme ./hello`,
		"show crds":   `berth show crds oci://reg.example.com/charts/operator`,
		"dependency": `berth dependency update ./app           # resolve, vendor, pin digests in Chart.lock
berth dependency build ./app            # vendor exactly what Chart.lock pins`,
		"dependency update": `berth dependency update ./app
berth dependency update ./app --plain-http   # dependencies from a local HTTP registry`,
		"dependency build": `berth dependency build ./app            # exactly the digests Chart.lock pins`,
		"dependency list":  `berth dependency list ./app             # NAME VERSION REPOSITORY STATUS, as helm dependency list`,

		// Registry
		"sign": `COSIGN_PASSWORD=… berth sign oci://reg.example.com/charts/hello@sha256:… --key cosign.key
berth sign reg.example.com/apps/hello@sha256:… --key cosign.key     # an image`,
		"verify": `berth verify oci://reg.example.com/charts/hello:1.2.0 --key cosign.pub
berth verify oci://reg.example.com/charts/hello@sha256:… --key team-a.pub --key team-b.pub -o json`,
		"key":          `berth key generate               # cosign.key and cosign.pub in the current folder`,
		"key generate": `COSIGN_PASSWORD=… berth key generate keys/ --output-key-prefix release`,
		"push": `berth push hello-0.1.0.tgz oci://reg.example.com/charts
berth push ./hello oci://127.0.0.1:5000/charts --plain-http   # packages the directory first`,
		"pull": `berth pull oci://reg.example.com/charts/hello --version 1.2.0
berth pull oci://reg.example.com/charts/hello@sha256:… --untar -d vendor/`,
		"versions": `berth versions oci://reg.example.com/charts/hello
berth versions oci://reg.example.com/charts/hello -o json`,
		"search": `berth search oci://reg.example.com
berth search oci://reg.example.com/charts -o yaml`,
		"registry": `berth registry serve --addr 127.0.0.1:5000
berth registry login reg.example.com -u ci --password-stdin < token`,
		"registry login": `berth registry login reg.example.com -u ci --password-stdin < token
echo "$TOKEN" | berth registry login ghcr.io -u me --password-stdin`,
		"registry logout": `berth registry logout reg.example.com`,
		"registry serve": `berth registry serve                                 # 127.0.0.1:5000, storage under $XDG_DATA_HOME/berth
berth registry serve --addr 127.0.0.1:0 --storage /tmp/reg   # a free port, printed on start`,

		// Release
		"release": `berth release ./hello --image hello=hello.tar --to oci://reg.example.com/apps
berth release ./hello --image hello=docker-daemon:hello:1.0 --to oci://reg.example.com/apps -o json
berth release ./shop --image web=web.tar --image worker=oci-layout/ --image-value worker=worker.image --to oci://reg/apps`,
		"install": `berth install web oci://reg.example.com/apps/hello@sha256:… --wait
berth install web ./hello -n shop --create-namespace -f prod.yaml
berth install web oci://reg.example.com/apps/hello --version '^1.2' --atomic --timeout 5m`,
		"upgrade": `berth upgrade web oci://reg.example.com/apps/hello@sha256:… --wait
berth upgrade web ./hello --install --reuse-values --set replicaCount=3`,
		"rollback": `berth rollback web          # to the previous revision, live drift reverted too
berth rollback web 3 --wait`,
		"uninstall": `berth uninstall web
berth uninstall web --keep-history -n shop`,
		"history": `berth history web
berth history web -o json --max 5`,
		"status": `berth status web
berth status web --revision 2 -o yaml`,
		"list": `berth list
berth list -A --failed
berth list -n shop -o json`,
		"get": `berth get values web --all
berth get manifest web --revision 2`,
		"get values":   `berth get values web -o json`,
		"get manifest": `berth get manifest web --revision 2`,
		"get notes":    `berth get notes web`,
		"get hooks":    `berth get hooks web`,
		"get all":      `berth get all web --revision 1`,
		"get metadata": `berth get metadata web -o json`,
		"test":         `berth test web --timeout 2m`,
		"recover": `berth recover web           # after a killed upgrade left it pending-upgrade
berth upgrade web ./hello   # then proceed`,
		"diff": `berth diff upgrade web oci://reg.example.com/apps/hello@sha256:… ; echo $?   # 2 = changes
berth diff rollback web 3`,
		"diff upgrade": `berth diff upgrade web ./hello -f prod.yaml || [ $? -eq 2 ] && echo "drift or changes"
berth diff upgrade web oci://reg.example.com/apps/hello@sha256:… -o json`,
		"diff rollback": `berth diff rollback web       # against the previous revision
berth diff rollback web 3 --no-color`,

		// Bundle
		"bundle": `berth bundle save oci://reg.example.com/apps/hello@sha256:… --file hello.tar
berth bundle list hello.tar
berth bundle push hello.tar --to oci://site-registry.local/apps`,
		"bundle save": `berth bundle save oci://reg.example.com/apps/hello@sha256:… --file hello.tar
berth bundle save ./hello -f prod.yaml --image busybox:1.37 --file hello.tar`,
		"bundle push": `berth bundle push hello.tar --to oci://site-registry.local/apps
berth bundle push hello.tar --to oci://127.0.0.1:5000/apps --plain-http -o json`,
		"bundle list": `berth bundle list hello.tar
berth bundle list hello.tar -o json`,
		"bundle export": `berth bundle export hello.tar hello:1.0 -o hello-image.tar   # then: docker load -i hello-image.tar
berth bundle export hello.tar hello@sha256:… -o hello-image.tar --tag registry.local/hello:1.0`,
		"copy": `berth copy oci://reg.example.com/apps/hello@sha256:… --to oci://mirror.example.com/apps
berth copy oci://reg.example.com/apps/hello@sha256:… --to oci://mirror.example.com/apps --with-images`,

		// Other
		"env": `berth env                                    # every variable berth reads, KEY="value"
berth env BERTH_CACHE_HOME                   # one value`,
		"version": `berth version
berth version -o json`,
		"completion": `source <(berth completion bash)
berth completion zsh > "${fpath[1]}/_berth"
berth completion fish > ~/.config/fish/completions/berth.fish`,
		"completion bash": `source <(berth completion bash)            # this shell
berth completion bash > /etc/bash_completion.d/berth`,
		"completion zsh":  `berth completion zsh > "${fpath[1]}/_berth"`,
		"completion fish": `berth completion fish > ~/.config/fish/completions/berth.fish`,
	}
}
