package deployer

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// fieldManager is the manager name Helm's CLI writes, so objects applied by
// berth and by helm look the same in managedFields.
const fieldManager = "helm"

// defaultConcurrency bounds how many objects of one kind are applied at once.
const defaultConcurrency = 16

// Kube is the cluster side of the deployer: clients, a discovery-backed
// RESTMapper and the scheme that tells built-in kinds from custom ones.
type Kube struct {
	Core      kubernetes.Interface
	Dynamic   dynamic.Interface
	Metadata  metadata.Interface
	discovery discovery.CachedDiscoveryInterface
	mapper    *restmapper.DeferredDiscoveryRESTMapper
	scheme    *runtime.Scheme
	// Concurrency bounds parallel applies within one kind (default 16).
	Concurrency int
	// SkipSchemaValidation leaves out the strict decode of built-in kinds
	// (helm's --disable-openapi-validation): unknown fields go to the API
	// server, which drops them.
	SkipSchemaValidation bool
}

// NewKube builds clients for cfg.
func NewKube(cfg *rest.Config) (*Kube, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		// Helm-sized charts send hundreds of requests; client-go's default
		// 5 QPS would dominate install time.
		cfg.QPS, cfg.Burst = 200, 400
	}
	// Built-in types travel as protobuf: release Secrets are large []byte
	// payloads that JSON would base64 twice over.
	pcfg := rest.CopyConfig(cfg)
	pcfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	pcfg.ContentType = "application/vnd.kubernetes.protobuf"
	core, err := kubernetes.NewForConfig(pcfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("metadata client: %w", err)
	}
	disc := memory.NewMemCacheClient(core.Discovery())
	sch := runtime.NewScheme()
	if err := scheme.AddToScheme(sch); err != nil {
		return nil, err
	}
	if err := apiextv1.AddToScheme(sch); err != nil {
		return nil, err
	}
	return &Kube{
		Core: core, Dynamic: dyn, Metadata: meta, discovery: disc,
		mapper:      restmapper.NewDeferredDiscoveryRESTMapper(disc),
		scheme:      sch,
		Concurrency: defaultConcurrency,
	}, nil
}

// ResetMapper forgets cached discovery, after CRDs were installed.
func (k *Kube) ResetMapper() { k.mapper.Reset() }

// ServerVersion is the cluster's version, for .Capabilities.KubeVersion.
func (k *Kube) ServerVersion() (string, error) {
	v, err := k.Core.Discovery().ServerVersion()
	if err != nil {
		return "", fmt.Errorf("server version: %w", err)
	}
	return v.GitVersion, nil
}

// CreateNamespace creates a namespace unless it exists.
func (k *Kube) CreateNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	_, err := k.Core.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{FieldManager: fieldManager})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}
