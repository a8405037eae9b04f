// Package deploy holds the tests of what Newswire ships for Kubernetes:
// the kustomize tree under k8s/, the service images, the monitoring rules
// and dashboard. No cluster runs where the tests run, so they render every
// overlay with kustomize, decode each object strictly into its Go type, and
// check the properties an operator relies on against the services' code.
package deploy
