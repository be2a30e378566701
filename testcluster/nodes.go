package testcluster

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodeAnnotation marks the nodes that kwok manages.
const nodeAnnotation = "kwok.x-k8s.io/node"

// createNodes registers n fake nodes and waits until kwok reports them Ready.
func (c *Cluster) createNodes(ctx context.Context, n int) error {
	nodes := c.clientset.CoreV1().Nodes()
	for i := range n {
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{
				Name:        fmt.Sprintf("kwok-node-%d", i),
				Annotations: map[string]string{nodeAnnotation: "fake"},
				Labels: map[string]string{
					"type": "kwok", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
					"kubernetes.io/hostname": fmt.Sprintf("kwok-node-%d", i),
				},
			},
			Status: corev1.NodeStatus{
				Allocatable: capacity(), Capacity: capacity(),
				NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "fake", OperatingSystem: "linux", Architecture: "amd64"},
			},
		}
		if _, err := nodes.Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create node %s: %w", node.Name, err)
		}
	}
	return poll(ctx, 60*time.Second, "nodes Ready", c.procs, func(ctx context.Context) error {
		list, err := nodes.List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		ready := 0
		for _, node := range list.Items {
			for _, cond := range node.Status.Conditions {
				if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		if ready < n {
			return fmt.Errorf("%d of %d nodes Ready: %w", ready, n, errNotReady)
		}
		return nil
	})
}

func capacity() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("250"),
		// Charts that set ephemeral-storage requests (bitnami presets) must schedule.
		corev1.ResourceEphemeralStorage: resource.MustParse("500Gi"),
	}
}

// waitDefaultServiceAccount waits for the controller manager to be working:
// pods cannot be created in a namespace before its default ServiceAccount.
func (c *Cluster) waitDefaultServiceAccount(ctx context.Context) error {
	return poll(ctx, 60*time.Second, "default ServiceAccount", c.procs, func(ctx context.Context) error {
		_, err := c.clientset.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	})
}
