package testcluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeAdminKubeconfig writes Dir/kubeconfig for the admin token and builds
// the admin rest.Config from it.
func (c *Cluster) writeAdminKubeconfig() error {
	c.Kubeconfig = filepath.Join(c.Dir, "kubeconfig")
	if err := c.WriteKubeconfig(c.Kubeconfig, "default"); err != nil {
		return err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	// The control plane runs on two cores beside the tests: be generous.
	cfg.QPS, cfg.Burst = 200, 400
	c.Config = cfg
	c.clientset, err = kubernetes.NewForConfig(cfg)
	return err
}

// WriteKubeconfig writes a kubeconfig for the admin user whose current
// context uses namespace, as `kubectl` and `helm` read it.
func (c *Cluster) WriteKubeconfig(path, namespace string) error {
	ca, err := os.ReadFile(c.ca)
	if err != nil {
		return fmt.Errorf("read API server certificate: %w", err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["berth-test"] = &clientcmdapi.Cluster{Server: c.serverURL, CertificateAuthorityData: ca}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: c.token}
	cfg.Contexts["berth-test"] = &clientcmdapi.Context{Cluster: "berth-test", AuthInfo: "admin", Namespace: namespace}
	cfg.CurrentContext = "berth-test"
	return clientcmd.WriteToFile(*cfg, path)
}

// Clientset returns a typed client for the admin user.
func (c *Cluster) Clientset() *kubernetes.Clientset { return c.clientset }

// RESTConfig returns a copy of the admin configuration that callers may change.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.Config) }

func httpOK(ctx context.Context, client *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, body)
	}
	return nil
}

// insecureTLS is used only to poll /readyz before the serving certificate
// that the kubeconfig trusts has been read.
func insecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} } //nolint:gosec
