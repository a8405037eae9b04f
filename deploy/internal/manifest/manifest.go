// Package manifest renders a kustomization with the kustomize library and
// decodes every object it produces strictly into its Go type: the
// Kubernetes API types for built-in kinds, the structs of crds.go for KEDA,
// Strimzi and the Prometheus Operator. An unknown kind or an unknown field
// is an error, so a typo cannot slip through as an ignored key.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kinds maps apiVersion/kind to a constructor of its Go type.
var kinds = map[string]func() any{
	"v1/ConfigMap":                            func() any { return new(corev1.ConfigMap) },
	"v1/Service":                              func() any { return new(corev1.Service) },
	"v1/ServiceAccount":                       func() any { return new(corev1.ServiceAccount) },
	"apps/v1/Deployment":                      func() any { return new(appsv1.Deployment) },
	"policy/v1/PodDisruptionBudget":           func() any { return new(policyv1.PodDisruptionBudget) },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return new(networkingv1.NetworkPolicy) },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return new(autoscalingv2.HorizontalPodAutoscaler) },
	"keda.sh/v1alpha1/ScaledObject":           func() any { return new(ScaledObject) },
	"keda.sh/v1alpha1/TriggerAuthentication":  func() any { return new(TriggerAuthentication) },
	"kafka.strimzi.io/v1beta2/KafkaTopic":     func() any { return new(KafkaTopic) },
	"kafka.strimzi.io/v1beta2/KafkaUser":      func() any { return new(KafkaUser) },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return new(ServiceMonitor) },
	"monitoring.coreos.com/v1/PrometheusRule": func() any { return new(PrometheusRule) },
}

// Object is one rendered object.
type Object struct {
	APIVersion, Kind, Name, Namespace string
	// Value points to the decoded object: *appsv1.Deployment, *KafkaTopic, ...
	Value any
}

// ID names the object in messages.
func (o Object) ID() string { return o.Kind + "/" + o.Name }

// Set is every object of one rendered kustomization.
type Set []Object

// Render builds the kustomization in dir, as `kubectl apply -k dir` would
// (files outside the kustomization's root refused), and decodes the result.
func Render(dir string) (Set, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", dir, err)
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := k.Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", dir, err)
	}
	var set Set
	var errs []error
	for _, r := range resources.Resources() {
		raw, err := r.MarshalJSON()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.CurId(), err))
			continue
		}
		obj, err := Decode(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set = append(set, obj)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("render %s: %w", dir, err)
	}
	return set, nil
}

// Decode decodes one object strictly: its kind must be known and every field
// must exist in its Go type.
func Decode(raw []byte) (Object, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Object{}, fmt.Errorf("decode object: %w", err)
	}
	obj := Object{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace}
	newValue, ok := kinds[head.APIVersion+"/"+head.Kind]
	if !ok {
		return obj, fmt.Errorf("%s: kind %s/%s is not one the tests know", obj.ID(), head.APIVersion, head.Kind)
	}
	obj.Value = newValue()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj.Value); err != nil {
		return obj, fmt.Errorf("%s: %w", obj.ID(), err)
	}
	return obj, nil
}

// All returns the objects whose decoded type is T.
func All[T any](s Set) []*T {
	var out []*T
	for _, o := range s {
		if v, ok := o.Value.(*T); ok {
			out = append(out, v)
		}
	}
	return out
}

// Find returns the object of type T with the given name, or nil.
func Find[T any](s Set, name string) *T {
	for _, o := range s {
		if v, ok := o.Value.(*T); ok && o.Name == name {
			return v
		}
	}
	return nil
}

// Kinds counts the objects by kind, for messages.
func (s Set) Kinds() map[string]int {
	out := map[string]int{}
	for _, o := range s {
		out[reflect.TypeOf(o.Value).Elem().Name()]++
	}
	return out
}
