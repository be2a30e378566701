package deployer

import (
	"context"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxNamespaceNames bounds what NamespaceNames reads (one page).
const maxNamespaceNames = 5000

// NamespaceNames lists the cluster's namespaces, sorted (shell completion).
func (k *Kube) NamespaceNames(ctx context.Context) ([]string, error) {
	list, err := k.Core.CoreV1().Namespaces().List(ctx, metav1.ListOptions{Limit: maxNamespaceNames})
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	names := make([]string, 0, len(list.Items))
	for _, ns := range list.Items {
		names = append(names, ns.Name)
	}
	sort.Strings(names)
	return names, nil
}
