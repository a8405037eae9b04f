package manifest

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The custom resources Newswire ships, reduced to the fields it uses: a
// field outside these structs fails decoding, which is the point. They
// follow KEDA 2.x (keda.sh/v1alpha1), Strimzi (kafka.strimzi.io/v1beta2)
// and the Prometheus Operator (monitoring.coreos.com/v1).

// ScaledObject is KEDA's autoscaling of a workload on event sources.
type ScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ScaledObjectSpec `json:"spec"`
}

// ScaledObjectSpec is the spec of a ScaledObject.
type ScaledObjectSpec struct {
	ScaleTargetRef   ScaleTarget    `json:"scaleTargetRef"`
	PollingInterval  *int32         `json:"pollingInterval,omitempty"`
	CooldownPeriod   *int32         `json:"cooldownPeriod,omitempty"`
	MinReplicaCount  *int32         `json:"minReplicaCount,omitempty"`
	MaxReplicaCount  *int32         `json:"maxReplicaCount,omitempty"`
	Fallback         *Fallback      `json:"fallback,omitempty"`
	Advanced         *Advanced      `json:"advanced,omitempty"`
	Triggers         []ScaleTrigger `json:"triggers"`
	IdleReplicaCount *int32         `json:"idleReplicaCount,omitempty"`
	InitialCooldown  *int32         `json:"initialCooldownPeriod,omitempty"`
}

// ScaleTarget names the scaled workload (a Deployment by default).
type ScaleTarget struct {
	APIVersion             string `json:"apiVersion,omitempty"`
	Kind                   string `json:"kind,omitempty"`
	Name                   string `json:"name"`
	EnvSourceContainerName string `json:"envSourceContainerName,omitempty"`
}

// Fallback is the replica count KEDA holds when a scaler keeps failing.
type Fallback struct {
	FailureThreshold int32 `json:"failureThreshold"`
	Replicas         int32 `json:"replicas"`
}

// Advanced holds the HPA KEDA creates.
type Advanced struct {
	RestoreToOriginalReplicaCount bool       `json:"restoreToOriginalReplicaCount,omitempty"`
	HPAConfig                     *HPAConfig `json:"horizontalPodAutoscalerConfig,omitempty"`
}

// HPAConfig is the behaviour of the HPA KEDA creates.
type HPAConfig struct {
	Name     string                                         `json:"name,omitempty"`
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
}

// ScaleTrigger is one event source.
type ScaleTrigger struct {
	Type              string            `json:"type"`
	Name              string            `json:"name,omitempty"`
	MetricType        string            `json:"metricType,omitempty"`
	Metadata          map[string]string `json:"metadata"`
	AuthenticationRef *AuthRef          `json:"authenticationRef,omitempty"`
}

// AuthRef names a TriggerAuthentication.
type AuthRef struct {
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
}

// TriggerAuthentication holds the credentials a scaler uses.
type TriggerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              TriggerAuthSpec `json:"spec"`
}

// TriggerAuthSpec maps scaler parameters to Secrets and container env.
type TriggerAuthSpec struct {
	SecretTargetRef []SecretTarget `json:"secretTargetRef,omitempty"`
	Env             []EnvTarget    `json:"env,omitempty"`
}

// SecretTarget is a parameter read from a Secret's key.
type SecretTarget struct {
	Parameter string `json:"parameter"`
	Name      string `json:"name"`
	Key       string `json:"key"`
}

// EnvTarget is a parameter read from the scaled container's environment.
type EnvTarget struct {
	Parameter     string `json:"parameter"`
	Name          string `json:"name"`
	ContainerName string `json:"containerName,omitempty"`
}

// KafkaTopic is a Strimzi-managed topic.
type KafkaTopic struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              KafkaTopicSpec `json:"spec"`
}

// KafkaTopicSpec is the topic's name, layout and configuration.
type KafkaTopicSpec struct {
	TopicName  string            `json:"topicName,omitempty"`
	Partitions int32             `json:"partitions"`
	Replicas   int32             `json:"replicas"`
	Config     map[string]string `json:"config,omitempty"`
}

// KafkaUser is a Strimzi-managed user with its ACLs.
type KafkaUser struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              KafkaUserSpec `json:"spec"`
}

// KafkaUserSpec is how the user authenticates and what it may do.
type KafkaUserSpec struct {
	Authentication struct {
		Type string `json:"type"`
	} `json:"authentication"`
	Authorization struct {
		Type string     `json:"type"`
		ACLs []KafkaACL `json:"acls"`
	} `json:"authorization"`
}

// KafkaACL allows operations on one resource.
type KafkaACL struct {
	Resource struct {
		Type        string `json:"type"`
		Name        string `json:"name"`
		PatternType string `json:"patternType"`
	} `json:"resource"`
	Operations []string `json:"operations"`
	Host       string   `json:"host,omitempty"`
}

// ServiceMonitor tells the Prometheus Operator which Services to scrape.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		JobLabel          string               `json:"jobLabel,omitempty"`
		Selector          metav1.LabelSelector `json:"selector"`
		NamespaceSelector *struct {
			Any        bool     `json:"any,omitempty"`
			MatchNames []string `json:"matchNames,omitempty"`
		} `json:"namespaceSelector,omitempty"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path,omitempty"`
			Interval      string `json:"interval,omitempty"`
			ScrapeTimeout string `json:"scrapeTimeout,omitempty"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// PrometheusRule holds alerting rules.
type PrometheusRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Groups []RuleGroup `json:"groups"`
	} `json:"spec"`
}

// RuleGroup is a named group of rules.
type RuleGroup struct {
	Name     string `json:"name"`
	Interval string `json:"interval,omitempty"`
	Rules    []Rule `json:"rules"`
}

// Rule is one alerting or recording rule.
type Rule struct {
	Alert       string            `json:"alert,omitempty"`
	Record      string            `json:"record,omitempty"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}
