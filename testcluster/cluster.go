// Package testcluster runs a real Kubernetes control plane for tests: etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok (a fake
// kubelet that moves nodes and pods through their lifecycle), all built from
// the Go module proxy by tools/build.sh and listening on 127.0.0.1 only.
package testcluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/berth-dev/berth/tools"
)

// KubeVersion is the version the control plane reports.
const KubeVersion = "v1.37.2"

// Options tune a cluster; the zero value gives two nodes and a temp folder.
type Options struct {
	// Dir holds data, keys, logs and the kubeconfig. Empty means a new temp
	// folder, removed by Stop.
	Dir string
	// Nodes is the number of kwok nodes (default 2).
	Nodes int
}

// Cluster is a running control plane.
type Cluster struct {
	// Dir holds etcd data, keys, logs (one per binary) and the kubeconfig.
	Dir string
	// Kubeconfig is the path of an admin kubeconfig file.
	Kubeconfig string
	// Config is the admin client configuration.
	Config *rest.Config

	procs     []*process
	removeDir bool
	serverURL string
	token, ca string
	clientset *kubernetes.Clientset
}

// Start brings up every component and returns once the API server is ready
// and the nodes accept pods. On error everything started is stopped again.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	c = &Cluster{Dir: opts.Dir}
	if c.Dir == "" {
		if c.Dir, err = os.MkdirTemp("", "berth-cluster-"); err != nil {
			return nil, err
		}
		c.removeDir = true
	} else if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.Stop()
			c = nil
		}
	}()
	bins, err := binaries()
	if err != nil {
		return nil, err
	}
	keys, err := writePKI(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("writing keys: %w", err)
	}
	c.token = keys.token
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	etcdURL := "http://" + hostPort(ports[0])
	if err := c.startEtcd(ctx, bins["etcd"], etcdURL, ports[1]); err != nil {
		return nil, err
	}
	if err := c.startAPIServer(ctx, bins["kube-apiserver"], keys, etcdURL, ports[2]); err != nil {
		return nil, err
	}
	if err := c.startControllers(bins, keys, ports[3], ports[4]); err != nil {
		return nil, err
	}
	if err := c.startKwok(bins["kwok"], ports[5]); err != nil {
		return nil, err
	}
	n := opts.Nodes
	if n <= 0 {
		n = 2
	}
	if err := c.createNodes(ctx, n); err != nil {
		return nil, err
	}
	return c, c.waitDefaultServiceAccount(ctx)
}

func binaries() (map[string]string, error) {
	bins := map[string]string{}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"} {
		p, err := tools.Path(name)
		if err != nil {
			return nil, err
		}
		bins[name] = p
	}
	return bins, nil
}

func (c *Cluster) startEtcd(ctx context.Context, bin, clientURL string, peerPort int) error {
	p, err := startProcess(c.Dir, "etcd", bin,
		"--data-dir", filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
		"--listen-peer-urls", "http://"+hostPort(peerPort),
		"--initial-advertise-peer-urls", "http://"+hostPort(peerPort),
		"--initial-cluster", "default=http://"+hostPort(peerPort),
		"--unsafe-no-fsync", "--log-level", "warn")
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	return poll(ctx, 30*time.Second, "etcd", c.procs, func(ctx context.Context) error {
		return httpOK(ctx, http.DefaultClient, clientURL+"/health", "")
	})
}

func (c *Cluster) startAPIServer(ctx context.Context, bin string, keys *pki, etcdURL string, port int) error {
	certDir := filepath.Join(c.Dir, "apiserver-certs")
	p, err := startProcess(c.Dir, "kube-apiserver", bin,
		"--etcd-servers="+etcdURL,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+keys.saPub,
		"--service-account-signing-key-file="+keys.saKey,
		"--cert-dir="+certDir,
		"--secure-port="+strconv.Itoa(port),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--token-auth-file="+keys.tokens,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.0.0.0/24",
		// Nothing removes the not-ready taint without the node lifecycle
		// controller, which needs real kubelets.
		"--disable-admission-plugins=TaintNodesByCondition",
	)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	c.serverURL = "https://" + hostPort(port)
	c.ca = filepath.Join(certDir, "apiserver.crt")
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS()}}
	err = poll(ctx, 60*time.Second, "kube-apiserver", c.procs, func(ctx context.Context) error {
		return httpOK(ctx, insecure, c.serverURL+"/readyz", c.token)
	})
	if err != nil {
		return err
	}
	return c.writeAdminKubeconfig()
}

func (c *Cluster) startControllers(bins map[string]string, keys *pki, kcmPort, schedPort int) error {
	kcm, err := startProcess(c.Dir, "kube-controller-manager", bins["kube-controller-manager"],
		"--kubeconfig="+c.Kubeconfig, "--authentication-kubeconfig="+c.Kubeconfig, "--authorization-kubeconfig="+c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(kcmPort),
		"--service-account-private-key-file="+keys.saKey, "--root-ca-file="+keys.caCert,
		"--use-service-account-credentials=false",
		"--controllers=*,-nodeipam,-nodelifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander",
		"--cert-dir="+filepath.Join(c.Dir, "kcm-certs"))
	if err != nil {
		return err
	}
	c.procs = append(c.procs, kcm)
	sched, err := startProcess(c.Dir, "kube-scheduler", bins["kube-scheduler"],
		"--kubeconfig="+c.Kubeconfig, "--authentication-kubeconfig="+c.Kubeconfig, "--authorization-kubeconfig="+c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(schedPort),
		"--cert-dir="+filepath.Join(c.Dir, "scheduler-certs"))
	if err != nil {
		return err
	}
	c.procs = append(c.procs, sched)
	return nil
}

func (c *Cluster) startKwok(bin string, port int) error {
	stages, err := tools.KwokStages()
	if err != nil {
		return err
	}
	args := []string{"--kubeconfig=" + c.Kubeconfig, "--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + nodeAnnotation + "=fake",
		"--cidr=10.0.0.1/24", "--node-ip=10.0.0.1", "--server-address=" + hostPort(port)}
	for _, s := range stages {
		args = append(args, "--config="+s)
	}
	p, err := startProcess(c.Dir, "kwok", bin, args...)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	return nil
}

// Stop kills every process the cluster started, newest first, and removes
// its folder if Start created it.
func (c *Cluster) Stop() {
	if c == nil {
		return
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop(5 * time.Second)
	}
	c.procs = nil
	if c.removeDir {
		os.RemoveAll(c.Dir)
	}
}

// Pids returns the process ids of the running components.
func (c *Cluster) Pids() []int {
	var pids []int
	for _, p := range c.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}
