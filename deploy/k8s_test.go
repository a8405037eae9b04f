package deploy_test

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	promlabels "github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/newswire/newswire/deploy/internal/manifest"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/stream"
)

// overlay is one environment and what it must contain.
type overlay struct {
	dir        string
	namespace  string
	autoscaled bool // KEDA ScaledObjects and the fetcher's HPA
	kafkaAuth  bool // SASL/TLS, one KafkaUser per service
	redisAuth  bool
}

var overlays = []overlay{
	{dir: "k8s/overlays/dev", namespace: "newswire-dev"},
	{dir: "k8s/overlays/prod", namespace: "newswire", autoscaled: true, kafkaAuth: true, redisAuth: true},
}

// shutdownMargin is what a pod needs beyond the drain deadline and
// lifecycle.StopGrace: the admin server's shutdown and the writer's flush.
const shutdownMargin = 5 * time.Second

// env is one container's environment as the process sees it.
type env map[string]envValue

type envValue struct {
	value  string
	source string // "ConfigMap x", "env", "field ref", ...
	known  bool   // the value is in the manifest (not a Secret or field ref)
}

// rendered is one overlay, rendered and decoded.
type rendered struct {
	overlay
	set      manifest.Set
	services []*service
}

func render(t *testing.T, o overlay) *rendered {
	t.Helper()
	set, err := manifest.Render(o.dir)
	if err != nil {
		t.Fatal(err)
	}
	return &rendered{overlay: o, set: set, services: loadServices(t)}
}

func (r *rendered) deployment(t *testing.T, s *service) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	d := manifest.Find[appsv1.Deployment](r.set, s.deployment)
	if d == nil {
		t.Fatalf("no Deployment %s", s.deployment)
	}
	for i := range d.Spec.Template.Spec.Containers {
		if c := &d.Spec.Template.Spec.Containers[i]; c.Name == s.name {
			return d, c
		}
	}
	t.Fatalf("Deployment %s has no container %s", s.deployment, s.name)
	return nil, nil
}

// env resolves a container's envFrom ConfigMaps and env entries, in the
// order the kubelet applies them.
func (r *rendered) env(t *testing.T, c *corev1.Container) env {
	t.Helper()
	out := env{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Errorf("container %s: envFrom other than a ConfigMap: %+v", c.Name, from)
			continue
		}
		cm := manifest.Find[corev1.ConfigMap](r.set, from.ConfigMapRef.Name)
		if cm == nil {
			t.Errorf("container %s: envFrom ConfigMap %s does not exist", c.Name, from.ConfigMapRef.Name)
			continue
		}
		for k, v := range cm.Data {
			out[from.Prefix+k] = envValue{value: v, source: "ConfigMap " + cm.Name, known: true}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out[e.Name] = envValue{value: e.Value, source: "env", known: true}
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			cm := manifest.Find[corev1.ConfigMap](r.set, ref.Name)
			if cm == nil {
				t.Errorf("container %s: %s from missing ConfigMap %s", c.Name, e.Name, ref.Name)
				continue
			}
			v, ok := cm.Data[ref.Key]
			if !ok {
				t.Errorf("container %s: %s from missing key %s of ConfigMap %s", c.Name, e.Name, ref.Key, ref.Name)
			}
			out[e.Name] = envValue{value: v, source: "ConfigMap " + cm.Name, known: true}
		default:
			out[e.Name] = envValue{source: "valueFrom"}
		}
	}
	return out
}

// value returns the variable's value: from the manifest, else the
// service's default from its code.
func (s *service) value(t *testing.T, e env, name string) string {
	t.Helper()
	if v, ok := e[name]; ok {
		if !v.known {
			t.Fatalf("%s: %s is not a plain value (%s)", s.name, name, v.source)
		}
		return v.value
	}
	v, ok := s.vars[name]
	if !ok {
		t.Fatalf("%s does not read %s", s.name, name)
	}
	switch v.Getter {
	case "Int":
		n, err := s.vars.IntDefault(name)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(n)
	case "Duration":
		d, err := s.vars.DurationDefault(name)
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	def, err := s.vars.StringDefault(name)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func TestOverlays(t *testing.T) {
	for _, o := range overlays {
		t.Run(path.Base(o.dir), func(t *testing.T) {
			r := render(t, o)
			t.Logf("%s renders %v", o.dir, r.set.Kinds())
			checks := []struct {
				name string
				fn   func(*testing.T, *rendered)
			}{
				{"labels and namespace", checkMetadata},
				{"deployments", checkDeployments},
				{"environment", checkEnvironment},
				{"shared redis", checkSharedRedis},
				{"mounted files", checkMountedFiles},
				{"services", checkServices},
				{"disruption budgets", checkDisruptionBudgets},
				{"network policies", checkNetworkPolicies},
				{"autoscaling", checkAutoscaling},
				{"topics", checkTopics},
				{"kafka users", checkKafkaUsers},
				{"monitoring", checkMonitoring},
				{"feed list", checkFeedList},
			}
			for _, c := range checks {
				t.Run(c.name, func(t *testing.T) { c.fn(t, r) })
			}
		})
	}
}

func checkMetadata(t *testing.T, r *rendered) {
	for _, o := range r.set {
		if o.Namespace != r.namespace {
			t.Errorf("%s is in namespace %q, want %q", o.ID(), o.Namespace, r.namespace)
		}
		meta, ok := o.Value.(metav1.Object)
		if !ok {
			t.Fatalf("%s has no object metadata", o.ID())
		}
		if meta.GetLabels()["app.kubernetes.io/part-of"] != "newswire" {
			t.Errorf("%s lacks the label app.kubernetes.io/part-of=newswire", o.ID())
		}
	}
}

var pinnedImage = regexp.MustCompile(`^[a-z0-9./-]+(:v?\d+\.\d+\.\d+[0-9A-Za-z.-]*)?(@sha256:[0-9a-f]{64})?$`)

func checkDeployments(t *testing.T, r *rendered) {
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			d, c := r.deployment(t, s)
			pod := d.Spec.Template.Spec
			podLabels := labels.Set(d.Spec.Template.Labels)
			sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
			if err != nil || !sel.Matches(podLabels) {
				t.Errorf("selector %v does not match the pod labels %v (%v)", d.Spec.Selector, podLabels, err)
			}
			autoscaled := r.autoscaled && s.scaling != singleReplica
			if autoscaled && d.Spec.Replicas != nil {
				t.Errorf("spec.replicas is %d: an autoscaler owns the count, and each apply would reset it", *d.Spec.Replicas)
			}
			if !autoscaled && (d.Spec.Replicas == nil || *d.Spec.Replicas != 1) {
				t.Errorf("spec.replicas = %s, want one replica", ptrString(d.Spec.Replicas))
			}

			// Probes on the admin server, at the port HTTP_ADDR names.
			e := r.env(t, c)
			admin := addrPort(t, s, e, "HTTP_ADDR")
			probes := []struct {
				kind  string
				probe *corev1.Probe
				path  string
			}{
				{"startup", c.StartupProbe, "/healthz"},
				{"liveness", c.LivenessProbe, "/healthz"},
				{"readiness", c.ReadinessProbe, "/readyz"},
			}
			for _, p := range probes {
				if p.probe == nil || p.probe.HTTPGet == nil {
					t.Errorf("no HTTP %s probe", p.kind)
					continue
				}
				if p.probe.HTTPGet.Path != p.path {
					t.Errorf("%s probe on %s, want %s", p.kind, p.probe.HTTPGet.Path, p.path)
				}
				if got := containerPort(c, p.probe.HTTPGet.Port.String()); got != admin {
					t.Errorf("%s probe on port %s (%d), but HTTP_ADDR listens on %d", p.kind, p.probe.HTTPGet.Port.String(), got, admin)
				}
				// The admin server gives each check 2s.
				if p.probe.TimeoutSeconds < 3 {
					t.Errorf("%s probe timeout %ds is under the checks' own 2s", p.kind, p.probe.TimeoutSeconds)
				}
			}

			// The page, on a port of its own named "ui" (the Service and the
			// NetworkPolicy name it).
			if s.ui != "" {
				if got, want := containerPort(c, "ui"), addrPort(t, s, e, s.ui); got != want {
					t.Errorf("container port \"ui\" is %d, but %s listens on %d", got, s.ui, want)
				}
			}

			// The kubelet must not kill the process while it drains.
			drain, err := time.ParseDuration(s.value(t, e, "DRAIN_TIMEOUT"))
			if err != nil {
				t.Fatalf("DRAIN_TIMEOUT: %v", err)
			}
			need := drain + lifecycle.StopGrace + shutdownMargin
			var grace time.Duration // the kubelet's default is 30s
			if g := pod.TerminationGracePeriodSeconds; g != nil {
				grace = time.Duration(*g) * time.Second
			}
			if grace < need {
				t.Errorf("terminationGracePeriodSeconds %s is under DRAIN_TIMEOUT %s + %s hard limit + %s margin", grace, drain, lifecycle.StopGrace, shutdownMargin)
			}

			// Resources.
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, okReq := c.Resources.Requests[res]
				lim, okLim := c.Resources.Limits[res]
				if !okReq || !okLim {
					t.Errorf("%s request or limit missing: %v", res, c.Resources)
					continue
				}
				if req.Cmp(lim) > 0 {
					t.Errorf("%s request %s is above the limit %s", res, req.String(), lim.String())
				}
			}

			// Security.
			psc, csc := pod.SecurityContext, c.SecurityContext
			switch {
			case psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot:
				t.Error("pod does not set runAsNonRoot")
			case psc.RunAsUser == nil || *psc.RunAsUser == 0:
				t.Error("pod runs as root or an unnamed user")
			case psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
				t.Error("pod seccomp profile is not RuntimeDefault")
			}
			switch {
			case csc == nil:
				t.Error("container has no securityContext")
			case csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem:
				t.Error("root filesystem is writable")
			case csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation:
				t.Error("privilege escalation allowed")
			case csc.Capabilities == nil || !slices.Contains(csc.Capabilities.Drop, "ALL") || len(csc.Capabilities.Add) > 0:
				t.Errorf("capabilities %v: want drop ALL and add none", csc.Capabilities)
			}
			if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
				t.Error("the Kubernetes API token is mounted, but no service calls the API")
			}

			// Spread across zones and nodes, counting this service's pods.
			if len(pod.TopologySpreadConstraints) == 0 {
				t.Error("no topology spread constraints")
			}
			for _, tsc := range pod.TopologySpreadConstraints {
				sel, err := metav1.LabelSelectorAsSelector(tsc.LabelSelector)
				if err != nil || sel.Empty() || !sel.Matches(podLabels) {
					t.Errorf("spread over %s counts pods %v, not this service's (%v)", tsc.TopologyKey, tsc.LabelSelector, err)
				}
			}

			// Images.
			if !pinnedImage.MatchString(c.Image) {
				t.Errorf("image %q is not pinned to a release tag or digest", c.Image)
			}
			if !strings.Contains(c.Image, "/newswire/"+s.name) {
				t.Errorf("image %q is not the %s image", c.Image, s.name)
			}
			if c.ImagePullPolicy != corev1.PullIfNotPresent {
				t.Errorf("imagePullPolicy %q, want IfNotPresent for a pinned image", c.ImagePullPolicy)
			}
		})
	}
}

func ptrString(p *int32) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(int(*p))
}

// addrPort returns the port of the host:port address in the variable name.
func addrPort(t *testing.T, s *service, e env, name string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(s.value(t, e, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n, err := strconv.ParseInt(port, 10, 32)
	if err != nil {
		t.Fatalf("%s: port %q: %v", name, port, err)
	}
	return int32(n)
}

// containerPort returns the number of a container's port, named or given
// by number; 0 when the container has no such port.
func containerPort(c *corev1.Container, port string) int32 {
	for _, p := range c.Ports {
		if p.Name == port || strconv.Itoa(int(p.ContainerPort)) == port {
			return p.ContainerPort
		}
	}
	return 0
}

func checkEnvironment(t *testing.T, r *rendered) {
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			_, c := r.deployment(t, s)
			e := r.env(t, c)
			for _, name := range sortedKeys(e) {
				if _, ok := s.vars[name]; !ok && !runtimeVars[name] {
					t.Errorf("%s (from %s) is not a variable the %s reads; it reads %v", name, e[name].source, s.name, s.vars.Names())
				}
				// A secret never sits in a manifest: Secret files only.
				if v, ok := s.vars[name]; ok && v.Getter == "Secret" && !strings.HasSuffix(name, "_FILE") {
					t.Errorf("%s is set in the manifest: mount it and set %s_FILE instead", name, name)
				}
			}
			if r.kafkaAuth && s.value(t, e, "KAFKA_SASL_MECHANISM") == "" {
				t.Error("Kafka authentication is off")
			}
			if r.kafkaAuth && s.value(t, e, "KAFKA_TLS") != "true" {
				t.Error("Kafka TLS is off")
			}
			usesRedis := slices.Contains(s.reaches, "redis")
			if _, ok := e["REDIS_PASSWORD_FILE"]; r.redisAuth && usesRedis != ok {
				t.Errorf("REDIS_PASSWORD_FILE set = %v, want %v (only services that use Redis get its password)", ok, usesRedis)
			}
		})
	}
}

// checkSharedRedis: the services using Redis read each other's keys (the
// console reads the publisher's trend counts and the fetcher's feed state),
// so they must all see the same Redis, database and key prefix.
func checkSharedRedis(t *testing.T, r *rendered) {
	type seen struct{ value, service string }
	first := map[string]seen{} // by variable
	for _, s := range r.services {
		if !slices.Contains(s.reaches, "redis") {
			continue
		}
		_, c := r.deployment(t, s)
		e := r.env(t, c)
		for _, name := range []string{"REDIS_ADDR", "REDIS_DB", "REDIS_KEY_PREFIX"} {
			v := s.value(t, e, name)
			prev, ok := first[name]
			if !ok {
				first[name] = seen{v, s.name}
				continue
			}
			if v != prev.value {
				t.Errorf("%s is %q for the %s but %q for the %s", name, v, s.name, prev.value, prev.service)
			}
		}
	}
}

// checkMountedFiles: every *_FILE variable names a file that a volume of
// the pod provides.
func checkMountedFiles(t *testing.T, r *rendered) {
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			d, c := r.deployment(t, s)
			e := r.env(t, c)
			for _, name := range sortedKeys(e) {
				if !strings.HasSuffix(name, "_FILE") || e[name].value == "" {
					continue
				}
				file := e[name].value
				if err := r.mountedFile(d, c, file); err != nil {
					t.Errorf("%s=%s: %v", name, file, err)
				}
			}
			for _, m := range c.VolumeMounts {
				if volume(d, m.Name) == nil {
					t.Errorf("mount %s names no volume", m.Name)
				}
			}
		})
	}
}

func volume(d *appsv1.Deployment, name string) *corev1.Volume {
	for i := range d.Spec.Template.Spec.Volumes {
		if v := &d.Spec.Template.Spec.Volumes[i]; v.Name == name {
			return v
		}
	}
	return nil
}

func (r *rendered) mountedFile(d *appsv1.Deployment, c *corev1.Container, file string) error {
	for _, m := range c.VolumeMounts {
		if path.Dir(file) != path.Clean(m.MountPath) {
			continue
		}
		base := path.Base(file)
		v := volume(d, m.Name)
		switch {
		case v == nil:
			return fmt.Errorf("mount %s names no volume", m.Name)
		case v.ConfigMap != nil:
			cm := manifest.Find[corev1.ConfigMap](r.set, v.ConfigMap.Name)
			if cm == nil {
				return fmt.Errorf("ConfigMap %s does not exist", v.ConfigMap.Name)
			}
			if !hasKey(v.ConfigMap.Items, cm.Data, base) {
				return fmt.Errorf("ConfigMap %s provides no %s", cm.Name, base)
			}
			return nil
		case v.Secret != nil:
			// The Secret is made outside these manifests (by an operator or
			// the Strimzi User Operator): its items must name the file.
			if !hasKey(v.Secret.Items, nil, base) {
				return fmt.Errorf("Secret volume %s lists no item %s", m.Name, base)
			}
			return nil
		}
		return fmt.Errorf("volume %s is neither a ConfigMap nor a Secret", m.Name)
	}
	return fmt.Errorf("no volume is mounted at %s", path.Dir(file))
}

func hasKey(items []corev1.KeyToPath, data map[string]string, file string) bool {
	if len(items) == 0 {
		_, ok := data[file]
		return ok
	}
	for _, it := range items {
		if it.Path == file {
			_, inData := data[it.Key]
			return inData || data == nil
		}
	}
	return false
}

func checkServices(t *testing.T, r *rendered) {
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			d, c := r.deployment(t, s)
			e := r.env(t, c)
			// The metrics Service, for the ServiceMonitor.
			svc := r.serviceFor(t, d, s.deployment)
			if got, want := servicePort(svc, c, "metrics"), addrPort(t, s, e, "HTTP_ADDR"); svc != nil && got != want {
				t.Errorf("Service %s: port \"metrics\" leads to container port %d, but HTTP_ADDR listens on %d", svc.Name, got, want)
			}
			if s.ui == "" {
				return
			}
			// The page's Service: a cluster IP, so that `kubectl port-forward`
			// and an Ingress have something to point at.
			ui := r.serviceFor(t, d, s.deployment+"-ui")
			if ui == nil {
				return
			}
			if ui.Spec.ClusterIP == corev1.ClusterIPNone || (ui.Spec.Type != "" && ui.Spec.Type != corev1.ServiceTypeClusterIP) {
				t.Errorf("Service %s is %q with clusterIP %q, want a ClusterIP Service", ui.Name, ui.Spec.Type, ui.Spec.ClusterIP)
			}
			if got, want := servicePort(ui, c, "ui"), addrPort(t, s, e, s.ui); got != want {
				t.Errorf("Service %s: port \"ui\" leads to container port %d, but %s listens on %d", ui.Name, got, s.ui, want)
			}
		})
	}
}

// serviceFor returns the Service of that name, which must select the pods
// of d.
func (r *rendered) serviceFor(t *testing.T, d *appsv1.Deployment, name string) *corev1.Service {
	t.Helper()
	svc := manifest.Find[corev1.Service](r.set, name)
	if svc == nil {
		t.Errorf("no Service %s", name)
		return nil
	}
	if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("Service %s selects %v, not the pods of %s", svc.Name, svc.Spec.Selector, d.Name)
	}
	return svc
}

// servicePort returns the container port that the Service's port of that
// name leads to; 0 when there is none.
func servicePort(svc *corev1.Service, c *corev1.Container, name string) int32 {
	if svc == nil {
		return 0
	}
	for _, p := range svc.Spec.Ports {
		if p.Name == name {
			return containerPort(c, p.TargetPort.String())
		}
	}
	return 0
}

func checkDisruptionBudgets(t *testing.T, r *rendered) {
	pdbs := manifest.All[policyv1.PodDisruptionBudget](r.set)
	for _, s := range r.services {
		d, _ := r.deployment(t, s)
		var matching []string
		for _, pdb := range pdbs {
			sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
			if err != nil {
				t.Fatalf("PodDisruptionBudget %s: %v", pdb.Name, err)
			}
			if sel.Empty() {
				t.Errorf("PodDisruptionBudget %s selects every pod", pdb.Name)
				continue
			}
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				matching = append(matching, pdb.Name)
				if pdb.Spec.MaxUnavailable == nil && pdb.Spec.MinAvailable == nil {
					t.Errorf("PodDisruptionBudget %s limits nothing", pdb.Name)
				}
				if p := pdb.Spec.UnhealthyPodEvictionPolicy; p == nil || *p != policyv1.AlwaysAllow {
					t.Errorf("PodDisruptionBudget %s: unready pods (say Kafka is down) would block node drains", pdb.Name)
				}
			}
		}
		if len(matching) != 1 {
			t.Errorf("Deployment %s is covered by %d PodDisruptionBudgets %v, want 1", d.Name, len(matching), matching)
		}
	}
}

// privateRanges must never be reachable from the fetcher's internet rule.
var privateRanges = []string{
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
	"0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10",
}

func checkNetworkPolicies(t *testing.T, r *rendered) {
	policies := manifest.All[networkingv1.NetworkPolicy](r.set)
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			d, c := r.deployment(t, s)
			e := r.env(t, c)
			podLabels := labels.Set(d.Spec.Template.Labels)
			// Who may come in, on which port: Prometheus on the admin port;
			// the cluster's pods on the page's, for a service with a page.
			entries := map[string]int32{"monitoring": addrPort(t, s, e, "HTTP_ADDR")}
			if s.ui != "" {
				entries["cluster"] = addrPort(t, s, e, s.ui)
			}
			reaches, admits := map[string]bool{}, map[string]bool{}
			var denyAll bool
			for _, np := range policies {
				sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
				if err != nil {
					t.Fatal(err)
				}
				if !sel.Matches(podLabels) {
					continue
				}
				if slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) && len(np.Spec.Egress) == 0 &&
					slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) && len(np.Spec.Ingress) == 0 {
					denyAll = true
				}
				for _, rule := range np.Spec.Ingress {
					for _, peer := range rule.From {
						kind, err := source(peer)
						if err != nil {
							t.Errorf("NetworkPolicy %s: %v", np.Name, err)
							continue
						}
						admits[kind] = true
						if err := onlyPort(c, rule.Ports, entries[kind]); err != nil {
							t.Errorf("NetworkPolicy %s admits %s: %v", np.Name, kind, err)
						}
					}
					if len(rule.From) == 0 {
						t.Errorf("NetworkPolicy %s admits anyone", np.Name)
					}
				}
				for _, rule := range np.Spec.Egress {
					for _, peer := range rule.To {
						kind, err := destination(peer, rule.Ports)
						if err != nil {
							t.Errorf("NetworkPolicy %s: %v", np.Name, err)
						}
						reaches[kind] = true
					}
					if len(rule.To) == 0 {
						t.Errorf("NetworkPolicy %s allows egress anywhere", np.Name)
					}
				}
			}
			if !denyAll {
				t.Error("no default-deny policy selects the pods")
			}
			if got := sortedKeys(reaches); !slices.Equal(got, s.reaches) {
				t.Errorf("may reach %v, want exactly %v", got, s.reaches)
			}
			if got, want := sortedKeys(admits), sortedKeys(entries); !slices.Equal(got, want) {
				t.Errorf("admits %v, want exactly %v", got, want)
			}
		})
	}
}

// source classifies where an ingress peer comes from: the monitoring
// namespace, or any pod of the cluster. Addresses (ipBlock) are refused: they
// would let in what is outside the cluster.
func source(peer networkingv1.NetworkPolicyPeer) (string, error) {
	switch ns := peer.NamespaceSelector; {
	case peer.IPBlock != nil:
		return "", fmt.Errorf("ingress from addresses %s", peer.IPBlock.CIDR)
	case ns == nil:
		return "", fmt.Errorf("ingress from pods %v of this namespace, which no service needs", peer.PodSelector)
	case peer.PodSelector != nil:
		return "", fmt.Errorf("ingress from pods %v of namespaces %v, which no service needs", peer.PodSelector, ns)
	case len(ns.MatchLabels) == 0 && len(ns.MatchExpressions) == 0:
		return "cluster", nil
	case len(ns.MatchLabels) == 1 && ns.MatchLabels["kubernetes.io/metadata.name"] == "monitoring" && len(ns.MatchExpressions) == 0:
		return "monitoring", nil
	}
	return "", fmt.Errorf("ingress from namespaces %v, neither monitoring nor the whole cluster", peer.NamespaceSelector)
}

// onlyPort checks that an ingress rule's ports are exactly the container
// port want, by name or number.
func onlyPort(c *corev1.Container, ports []networkingv1.NetworkPolicyPort, want int32) error {
	if len(ports) == 0 {
		return fmt.Errorf("on every port, want only %d", want)
	}
	for _, p := range ports {
		if p.Port == nil {
			return fmt.Errorf("on every port, want only %d", want)
		}
		if got := containerPort(c, p.Port.String()); got != want || p.EndPort != nil {
			return fmt.Errorf("on port %s (container port %d), want only %d", p.Port.String(), got, want)
		}
	}
	return nil
}

// destination classifies where an egress peer leads, and checks the ports.
func destination(peer networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) (string, error) {
	portSet := map[string]bool{}
	for _, p := range ports {
		portSet[p.Port.String()] = true
	}
	onlyPorts := func(kind string, allowed ...string) (string, error) {
		if len(portSet) == 0 {
			return kind, fmt.Errorf("%s on every port", kind)
		}
		for p := range portSet {
			if !slices.Contains(allowed, p) {
				return kind, fmt.Errorf("%s on port %s", kind, p)
			}
		}
		return kind, nil
	}
	switch {
	case peer.IPBlock != nil:
		cidr, err := netip.ParsePrefix(peer.IPBlock.CIDR)
		if err != nil {
			return "internet", err
		}
		for _, private := range privateRanges {
			p := netip.MustParsePrefix(private)
			if p.Addr().Is4() != cidr.Addr().Is4() || !cidr.Contains(p.Addr()) {
				continue
			}
			if !slices.ContainsFunc(peer.IPBlock.Except, func(ex string) bool {
				e, err := netip.ParsePrefix(ex)
				return err == nil && e.Bits() <= p.Bits() && e.Contains(p.Addr())
			}) {
				return "internet", fmt.Errorf("ipBlock %s does not exclude %s", cidr, p)
			}
		}
		for _, ex := range peer.IPBlock.Except {
			e, err := netip.ParsePrefix(ex)
			if err != nil {
				return "internet", fmt.Errorf("except %s: %w", ex, err)
			}
			if !cidr.Contains(e.Addr()) || e.Bits() < cidr.Bits() {
				return "internet", fmt.Errorf("except %s is not inside %s", ex, cidr)
			}
		}
		return onlyPorts("internet", "80", "443")
	case peer.PodSelector != nil && peer.PodSelector.MatchLabels["k8s-app"] == "kube-dns":
		return onlyPorts("dns", "53")
	case peer.PodSelector != nil && peer.PodSelector.MatchLabels["strimzi.io/kind"] == "Kafka":
		return onlyPorts("kafka", "9092", "9093")
	case peer.PodSelector != nil && peer.PodSelector.MatchLabels["app.kubernetes.io/name"] == "redis":
		return onlyPorts("redis", "6379")
	}
	return "unknown", fmt.Errorf("egress to %+v is not DNS, Kafka, Redis or the internet", peer)
}

func checkAutoscaling(t *testing.T, r *rendered) {
	scaled := manifest.All[manifest.ScaledObject](r.set)
	hpas := manifest.All[autoscalingv2.HorizontalPodAutoscaler](r.set)
	if !r.autoscaled {
		if len(scaled)+len(hpas) > 0 {
			t.Errorf("%d ScaledObjects and %d HPAs in an overlay with fixed replicas", len(scaled), len(hpas))
		}
		return
	}
	topics := topicsByName(r.set)
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			d, c := r.deployment(t, s)
			e := r.env(t, c)
			var byHPA, byKEDA int
			for _, hpa := range hpas {
				if hpa.Spec.ScaleTargetRef.Name == d.Name {
					byHPA++
				}
			}
			for _, so := range scaled {
				if so.Spec.ScaleTargetRef.Name == d.Name {
					byKEDA++
				}
			}
			want := map[scaling][2]int{scaledOnCPU: {1, 0}, scaledOnLag: {0, 1}, singleReplica: {0, 0}}[s.scaling]
			if got := [2]int{byHPA, byKEDA}; got != want {
				t.Fatalf("%d HPAs and %d ScaledObjects target %s, want %d and %d (it scales on %s)", got[0], got[1], d.Name, want[0], want[1], s.scaling)
			}
			switch s.scaling {
			case singleReplica:
				return
			case scaledOnCPU:
				hpa := manifest.Find[autoscalingv2.HorizontalPodAutoscaler](r.set, s.deployment)
				if hpa == nil || hpa.Spec.ScaleTargetRef.Name != d.Name || hpa.Spec.ScaleTargetRef.Kind != "Deployment" {
					t.Fatalf("no HorizontalPodAutoscaler targets %s", d.Name)
				}
				checkBehavior(t, hpa.Spec.Behavior)
				return
			}
			so := manifest.Find[manifest.ScaledObject](r.set, s.deployment)
			if so == nil || so.Spec.ScaleTargetRef.Name != d.Name {
				t.Fatalf("no ScaledObject targets %s", d.Name)
			}
			group := s.value(t, e, s.group)
			brokers := s.value(t, e, "KAFKA_BROKERS")
			var triggered []string
			for _, tr := range so.Spec.Triggers {
				m := tr.Metadata
				if tr.Type != "kafka" {
					t.Errorf("trigger %s is of type %s", tr.Name, tr.Type)
					continue
				}
				if m["consumerGroup"] != group {
					t.Errorf("trigger %s reads the lag of group %q; the %s consumes as %q", tr.Name, m["consumerGroup"], s.name, group)
				}
				if m["bootstrapServers"] != brokers {
					t.Errorf("trigger %s asks brokers %q; the %s uses %q", tr.Name, m["bootstrapServers"], s.name, brokers)
				}
				if m["offsetResetPolicy"] != "earliest" {
					t.Errorf("trigger %s: offsetResetPolicy %q, but a new group starts at the oldest record", tr.Name, m["offsetResetPolicy"])
				}
				if m["allowIdleConsumers"] != "false" {
					t.Errorf("trigger %s: allowIdleConsumers must be false", tr.Name)
				}
				if n, err := strconv.Atoi(m["lagThreshold"]); err != nil || n < 1 {
					t.Errorf("trigger %s: lagThreshold %q", tr.Name, m["lagThreshold"])
				}
				topic, ok := topics[m["topic"]]
				if !ok {
					t.Errorf("trigger %s watches topic %q, which no KafkaTopic creates", tr.Name, m["topic"])
					continue
				}
				triggered = append(triggered, m["topic"])
				if max := so.Spec.MaxReplicaCount; max == nil || *max > topic.Spec.Partitions {
					t.Errorf("maxReplicaCount (%s) is unset or above the %d partitions of %s", ptrString(max), topic.Spec.Partitions, m["topic"])
				}
				checkTriggerAuth(t, r, s, e, tr)
			}
			for _, v := range s.consumes {
				if topic := s.value(t, e, v); !slices.Contains(triggered, topic) {
					t.Errorf("no trigger watches the lag on %s (%s), which the %s consumes", topic, v, s.name)
				}
			}
			if so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount < 1 {
				t.Error("minReplicaCount below 1: nothing would consume, and liveness and alerts go blind")
			}
			if so.Spec.Advanced == nil || so.Spec.Advanced.HPAConfig == nil {
				t.Fatal("no HPA behaviour: every scale step is a rebalance and must be damped")
			}
			checkBehavior(t, so.Spec.Advanced.HPAConfig.Behavior)
		})
	}
}

// checkBehavior: stabilisation windows so that scale steps, each a consumer
// group rebalance, do not flap.
func checkBehavior(t *testing.T, b *autoscalingv2.HorizontalPodAutoscalerBehavior) {
	t.Helper()
	if b == nil || b.ScaleUp == nil || b.ScaleDown == nil {
		t.Fatal("no scale-up and scale-down behaviour")
	}
	if w := b.ScaleUp.StabilizationWindowSeconds; w == nil || *w < 30 {
		t.Errorf("scale-up stabilisation window (%s s) is under 30s", ptrString(w))
	}
	if w := b.ScaleDown.StabilizationWindowSeconds; w == nil || *w < 300 {
		t.Errorf("scale-down stabilisation window (%s s) is under 300s", ptrString(w))
	}
	for _, rules := range []*autoscalingv2.HPAScalingRules{b.ScaleUp, b.ScaleDown} {
		if len(rules.Policies) == 0 {
			t.Error("no policy limits the size of a scale step")
		}
	}
}

func checkTriggerAuth(t *testing.T, r *rendered, s *service, e env, tr manifest.ScaleTrigger) {
	t.Helper()
	mech := s.value(t, e, "KAFKA_SASL_MECHANISM")
	// KEDA's names for the mechanisms pkg/config accepts.
	wantSASL := map[string]string{"": "", "PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}[mech]
	if tr.Metadata["sasl"] != wantSASL {
		t.Errorf("trigger %s: sasl %q, the service uses %q", tr.Name, tr.Metadata["sasl"], mech)
	}
	tlsOn := s.value(t, e, "KAFKA_TLS") == "true"
	if (tr.Metadata["tls"] == "enable") != tlsOn {
		t.Errorf("trigger %s: tls %q, the service's KAFKA_TLS is %v", tr.Name, tr.Metadata["tls"], tlsOn)
	}
	if mech == "" {
		return
	}
	if tr.AuthenticationRef == nil {
		t.Fatalf("trigger %s has no authenticationRef", tr.Name)
	}
	ta := manifest.Find[manifest.TriggerAuthentication](r.set, tr.AuthenticationRef.Name)
	if ta == nil {
		t.Fatalf("TriggerAuthentication %s does not exist", tr.AuthenticationRef.Name)
	}
	params := map[string]bool{}
	for _, ref := range ta.Spec.Env {
		params[ref.Parameter] = true
		if v, ok := e[ref.Name]; !ok || v.source != "env" || ref.ContainerName != s.name {
			t.Errorf("TriggerAuthentication %s: %s comes from %s of container %s, which does not set it as a plain env entry", ta.Name, ref.Parameter, ref.Name, ref.ContainerName)
		}
	}
	for _, ref := range ta.Spec.SecretTargetRef {
		params[ref.Parameter] = true
	}
	for _, p := range []string{"username", "password", "ca"} {
		if !params[p] {
			t.Errorf("TriggerAuthentication %s lacks %s", ta.Name, p)
		}
	}
}

func topicsByName(set manifest.Set) map[string]*manifest.KafkaTopic {
	out := map[string]*manifest.KafkaTopic{}
	for _, kt := range manifest.All[manifest.KafkaTopic](set) {
		name := kt.Spec.TopicName
		if name == "" {
			name = kt.Name
		}
		out[name] = kt
	}
	return out
}

// topicVars are the variables naming the pipeline's topics (pkg/config).
var topicVars = []string{"TOPIC_ARTICLES", "TOPIC_QUOTES", "TOPIC_ENTITIES", "TOPIC_ENRICHED_QUOTES", "TOPIC_ENRICHED_ENTITIES", "TOPIC_DEADLETTER"}

func checkTopics(t *testing.T, r *rendered) {
	topics := topicsByName(r.set)
	// Every service agrees on each topic's name, and a KafkaTopic makes it
	// with the layout the service would create it with itself.
	names := map[string]string{} // variable → topic
	for _, s := range r.services {
		_, c := r.deployment(t, s)
		e := r.env(t, c)
		partitions, _ := strconv.Atoi(s.value(t, e, "TOPIC_PARTITIONS"))
		replication, _ := strconv.Atoi(s.value(t, e, "TOPIC_REPLICATION"))
		for _, v := range topicVars {
			name := s.value(t, e, v)
			if prev, ok := names[v]; ok && prev != name {
				t.Errorf("%s is %q for the %s but %q for another service", v, name, s.name, prev)
			}
			names[v] = name
			kt, ok := topics[name]
			if !ok {
				t.Errorf("no KafkaTopic for %s (%s of the %s)", name, v, s.name)
				continue
			}
			if int(kt.Spec.Partitions) != partitions || int(kt.Spec.Replicas) != replication {
				t.Errorf("KafkaTopic %s has %d partitions × %d replicas; the %s would create it with TOPIC_PARTITIONS=%d, TOPIC_REPLICATION=%d",
					name, kt.Spec.Partitions, kt.Spec.Replicas, s.name, partitions, replication)
			}
		}
	}
	if len(topics) != len(topicVars) {
		t.Errorf("%d KafkaTopics, want the %d of the pipeline: %v", len(topics), len(topicVars), sortedKeys(topics))
	}

	retention := map[string]time.Duration{}
	for name, kt := range topics {
		if kt.Labels["strimzi.io/cluster"] == "" {
			t.Errorf("KafkaTopic %s names no Strimzi cluster", name)
		}
		isr, err := strconv.Atoi(kt.Spec.Config["min.insync.replicas"])
		switch {
		case err != nil:
			t.Errorf("KafkaTopic %s: min.insync.replicas %q", name, kt.Spec.Config["min.insync.replicas"])
		case isr > int(kt.Spec.Replicas):
			t.Errorf("KafkaTopic %s: min.insync.replicas %d above %d replicas: every write would fail", name, isr, kt.Spec.Replicas)
		case kt.Spec.Replicas >= 3 && isr < 2:
			t.Errorf("KafkaTopic %s: min.insync.replicas %d: an acknowledged write could be lost with one broker", name, isr)
		}
		ms, err := strconv.ParseInt(kt.Spec.Config["retention.ms"], 10, 64)
		if err != nil || ms <= 0 {
			t.Errorf("KafkaTopic %s: retention.ms %q", name, kt.Spec.Config["retention.ms"])
		}
		retention[name] = time.Duration(ms) * time.Millisecond
		// The services' writers batch records for every topic under one
		// bound, stream.WriterBatchBytes, made to fit this.
		if got, want := kt.Spec.Config["max.message.bytes"], strconv.Itoa(stream.MaxMessageBytes); got != want {
			t.Errorf("KafkaTopic %s: max.message.bytes %q, want %s (stream.MaxMessageBytes)", name, got, want)
		}
		policy := kt.Spec.Config["cleanup.policy"]
		enriched := name == names["TOPIC_ENRICHED_QUOTES"] || name == names["TOPIC_ENRICHED_ENTITIES"]
		if want := map[bool]string{true: "compact,delete", false: "delete"}[enriched]; policy != want {
			t.Errorf("KafkaTopic %s: cleanup.policy %q, want %q", name, policy, want)
		}
	}
	dead := retention[names["TOPIC_DEADLETTER"]]
	for name, d := range retention {
		if name != names["TOPIC_DEADLETTER"] && d >= dead {
			t.Errorf("dead letters are kept %s, no longer than %s (%s)", dead, name, d)
		}
	}
}

// checkKafkaUsers: each service authenticates as a KafkaUser of its own,
// allowed exactly what it does: read its topics in its own group, write the
// topics it produces, and create both (every service makes sure of the
// topics it uses at start-up; on a topic the Topic Operator made, it only
// gets "already exists"). Read implies Describe.
func checkKafkaUsers(t *testing.T, r *rendered) {
	users := manifest.All[manifest.KafkaUser](r.set)
	if !r.kafkaAuth {
		if len(users) > 0 {
			t.Errorf("%d KafkaUsers in an overlay without Kafka authentication", len(users))
		}
		return
	}
	topics := topicsByName(r.set)
	for _, s := range r.services {
		t.Run(s.name, func(t *testing.T) {
			_, c := r.deployment(t, s)
			e := r.env(t, c)
			name := s.value(t, e, "KAFKA_SASL_USERNAME")
			u := manifest.Find[manifest.KafkaUser](r.set, name)
			if u == nil {
				t.Fatalf("the %s authenticates as %q, but no KafkaUser has that name", s.name, name)
			}
			mech := s.value(t, e, "KAFKA_SASL_MECHANISM")
			if strings.ToUpper(u.Spec.Authentication.Type) != mech {
				t.Errorf("KafkaUser %s authenticates with %s, the %s with %s", name, u.Spec.Authentication.Type, s.name, mech)
			}

			want := map[string][]string{} // "topic/news.quotes" → operations
			for _, v := range s.consumes {
				want["topic/"+s.value(t, e, v)] = []string{"Create", "Read"}
			}
			for _, v := range s.produces {
				want["topic/"+s.value(t, e, v)] = []string{"Create", "Describe", "Write"}
			}
			if s.group != "" {
				want["group/"+s.value(t, e, s.group)] = []string{"Read"}
			}
			got := map[string][]string{}
			for _, acl := range u.Spec.Authorization.ACLs {
				key := acl.Resource.Type + "/" + acl.Resource.Name
				got[key] = append(got[key], acl.Operations...)
				if acl.Resource.PatternType != "literal" || (acl.Host != "" && acl.Host != "*") {
					t.Errorf("KafkaUser %s: ACL on %s with pattern %q and host %q, want literal names from any host", name, key, acl.Resource.PatternType, acl.Host)
				}
				if _, ok := topics[acl.Resource.Name]; acl.Resource.Type == "topic" && !ok {
					t.Errorf("KafkaUser %s: ACL on topic %s, which no KafkaTopic creates", name, acl.Resource.Name)
				}
			}
			for _, key := range sortedKeys(got) {
				slices.Sort(got[key])
				if ops := slices.Compact(got[key]); !slices.Equal(ops, want[key]) {
					t.Errorf("KafkaUser %s may %v on %s; the %s needs %v", name, ops, key, s.name, want[key])
				}
			}
			for _, key := range sortedKeys(want) {
				if _, ok := got[key]; !ok {
					t.Errorf("KafkaUser %s may do nothing on %s; the %s needs %v", name, key, s.name, want[key])
				}
			}
		})
	}
}

func checkMonitoring(t *testing.T, r *rendered) {
	monitors := manifest.All[manifest.ServiceMonitor](r.set)
	if len(monitors) != 1 {
		t.Fatalf("%d ServiceMonitors, want 1", len(monitors))
	}
	sm := monitors[0]
	sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	// It selects each service's metrics Service, and nothing without the
	// ports it scrapes (the console's page).
	var selected, want []string
	for _, svc := range manifest.All[corev1.Service](r.set) {
		if !sel.Matches(labels.Set(svc.Labels)) {
			continue
		}
		selected = append(selected, svc.Name)
		for _, ep := range sm.Spec.Endpoints {
			if !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == ep.Port }) {
				t.Errorf("ServiceMonitor %s selects Service %s, which has no port %q to scrape", sm.Name, svc.Name, ep.Port)
			}
		}
	}
	for _, s := range r.services {
		want = append(want, s.deployment)
	}
	slices.Sort(selected)
	slices.Sort(want)
	if !slices.Equal(selected, want) {
		t.Errorf("ServiceMonitor %s selects the Services %v, want %v", sm.Name, selected, want)
	}

	metrics := codeMetrics(t)
	anchors := headingAnchors(t, filepath.Join(repoRoot, "docs", "operations.md"))
	var alerts int
	for _, pr := range manifest.All[manifest.PrometheusRule](r.set) {
		for _, g := range pr.Spec.Groups {
			for _, rule := range g.Rules {
				alerts++
				checkExpr(t, "alert "+rule.Alert, rule.Expr, metrics, r.services)
				if rule.For != "" {
					if _, err := time.ParseDuration(rule.For); err != nil {
						t.Errorf("alert %s: for %q: %v", rule.Alert, rule.For, err)
					}
				}
				if sev := rule.Labels["severity"]; sev != "warning" && sev != "critical" {
					t.Errorf("alert %s: severity %q", rule.Alert, sev)
				}
				runbook := rule.Annotations["runbook_url"]
				anchor := runbook[strings.LastIndex(runbook, "#")+1:]
				if rule.Annotations["summary"] == "" || !strings.Contains(runbook, "docs/operations.md#") || !anchors[anchor] {
					t.Errorf("alert %s: needs a summary and a runbook_url to a heading of docs/operations.md (got %q)", rule.Alert, runbook)
				}
			}
		}
	}
	if alerts == 0 {
		t.Error("no alerting rules")
	}
}

// servicePattern lists, for each label by which a query can pick services
// out, the value it has for a service.
var servicePattern = map[string]func(*service) string{
	"deployment": func(s *service) string { return s.deployment }, // kube-state-metrics
	"job":        func(s *service) string { return s.deployment }, // the ServiceMonitor: the Service's name
	"container":  func(s *service) string { return s.name },
}

// checkExpr parses a PromQL expression and checks every metric it names,
// and that a regular expression picking services by name leaves none out
// (an alert written for three services must not miss the fourth).
func checkExpr(t *testing.T, what, expr string, metrics map[string]string, services []*service) {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %v\n%s", what, err, expr)
		return
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		if !knownMetric(vs.Name, metrics) {
			t.Errorf("%s: metric %s exists neither in the code nor in a documented exporter", what, vs.Name)
		}
		for _, m := range vs.LabelMatchers {
			value, ok := servicePattern[m.Name]
			if !ok || m.Type != promlabels.MatchRegexp {
				continue
			}
			for _, s := range services {
				if !m.Matches(value(s)) {
					t.Errorf("%s: %s leaves out the %s", what, m, s.name)
				}
			}
		}
		return nil
	})
}

type feed struct {
	URL      string `yaml:"url"`
	Name     string `yaml:"name"`
	Language string `yaml:"language"`
	Interval string `yaml:"interval"`
}

func parseFeeds(t *testing.T, what, src string) []feed {
	t.Helper()
	var list struct {
		Feeds []feed `yaml:"feeds"`
	}
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return list.Feeds
}

// checkFeedList: the feed ConfigMap holds the YAML the fetcher reads, the
// same list as the repository's.
func checkFeedList(t *testing.T, r *rendered) {
	i := slices.IndexFunc(r.services, func(s *service) bool { return s.name == "fetcher" })
	d, c := r.deployment(t, r.services[i])
	file := r.env(t, c)["FEEDS_FILE"].value
	v := volume(d, "feeds")
	if v == nil || v.ConfigMap == nil {
		t.Fatal("no feeds volume")
	}
	cm := manifest.Find[corev1.ConfigMap](r.set, v.ConfigMap.Name)
	if cm == nil {
		t.Fatalf("ConfigMap %s missing", v.ConfigMap.Name)
	}
	src, ok := cm.Data[path.Base(file)]
	if !ok {
		t.Fatalf("ConfigMap %s has no %s", cm.Name, path.Base(file))
	}
	list := parseFeeds(t, "ConfigMap "+cm.Name, src)
	repo, err := os.ReadFile(filepath.Join(repoRoot, "config", "feeds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := parseFeeds(t, "config/feeds.yaml", string(repo)); !slices.Equal(list, want) {
		t.Errorf("the cluster's feeds (k8s/base/feeds.yaml) differ from config/feeds.yaml:\n%v\nwant\n%v", list, want)
	}
	urls := map[string]bool{}
	for _, f := range list {
		if !strings.HasPrefix(f.URL, "https://") || f.Name == "" || len(f.Language) != 2 || urls[f.URL] {
			t.Errorf("feed %+v: want a unique https URL, a name and a two-letter language", f)
		}
		urls[f.URL] = true
		if d, err := time.ParseDuration(f.Interval); f.Interval != "" && (err != nil || d < 30*time.Second) {
			t.Errorf("feed %s: interval %q", f.URL, f.Interval)
		}
	}
	for _, u := range []string{"https://eng.belta.by/rss", "https://www.belta.by/rss"} {
		if !urls[u] {
			t.Errorf("feed list lacks %s", u)
		}
	}
}
