package config

import (
	"fmt"
	"net"
	"time"
)

// Common holds the settings every service reads.
type Common struct {
	// Service names the binary in logs, dead-letter headers and the default
	// consumer group.
	Service      string
	HTTPAddr     string
	LogLevel     string
	DrainTimeout time.Duration
	Kafka        Kafka
	Redis        Redis
	Topics       Topics
}

// Shared returns the common settings; a service's settings embed Common
// and so have it too.
func (c Common) Shared() Common { return c }

// Kafka says how to reach the brokers and how to create topics.
type Kafka struct {
	Brokers     []string
	ClientID    string
	Partitions  int // for topics created at start-up
	Replication int
	// SessionTimeout is how long the group coordinator waits for a
	// consumer's heartbeat before giving its partitions to others.
	SessionTimeout time.Duration
	// StallTimeout is how long a partition may have records waiting with
	// its group's committed offset unmoved before the consumer rejoins the
	// group; twice that and its liveness fails.
	StallTimeout time.Duration
	SASL         SASL
	TLS          TLS
}

// SASL is Kafka authentication; Mechanism is empty when it is off.
type SASL struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Username  string
	Password  string
}

// TLS is a client's TLS set-up; Enabled false means plain TCP.
type TLS struct {
	Enabled            bool
	CAFile             string
	CertFile           string
	KeyFile            string
	InsecureSkipVerify bool
}

// Redis says how to reach Redis.
type Redis struct {
	Addr     string
	Username string
	Password string
	DB       int
	TLS      TLS
	// KeyPrefix starts every key a service writes, so several deployments
	// (or tests) can share one Redis.
	KeyPrefix string
}

// Topics names the six topics of the pipeline.
type Topics struct {
	Articles         string
	Quotes           string
	Entities         string
	EnrichedQuotes   string
	EnrichedEntities string
	Deadletter       string
}

// All lists the topics in pipeline order.
func (t Topics) All() []string {
	return []string{t.Articles, t.Quotes, t.Entities, t.EnrichedQuotes, t.EnrichedEntities, t.Deadletter}
}

// ReadCommon reads the settings shared by every service.
func ReadCommon(e *Env, service string) Common {
	c := Common{
		Service:      service,
		HTTPAddr:     e.String("HTTP_ADDR", ":8080"),
		LogLevel:     e.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		DrainTimeout: e.Duration("DRAIN_TIMEOUT", 20*time.Second, time.Second, 10*time.Minute),
		Kafka: Kafka{
			Brokers:        e.List("KAFKA_BROKERS", []string{"127.0.0.1:9092"}),
			ClientID:       e.String("KAFKA_CLIENT_ID", "newswire-"+service),
			Partitions:     e.Int("TOPIC_PARTITIONS", 6, 1, 10000),
			Replication:    e.Int("TOPIC_REPLICATION", 1, 1, 32),
			SessionTimeout: e.Duration("KAFKA_SESSION_TIMEOUT", 10*time.Second, time.Second, 5*time.Minute),
			StallTimeout:   e.Duration("KAFKA_STALL_TIMEOUT", 5*time.Minute, time.Second, time.Hour),
			SASL: SASL{
				Mechanism: e.OneOf("KAFKA_SASL_MECHANISM", "", "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
				Username:  e.String("KAFKA_SASL_USERNAME", ""),
				Password:  e.Secret("KAFKA_SASL_PASSWORD", ""),
			},
			TLS: readTLS(e, "KAFKA_TLS"),
		},
		Redis: Redis{
			Addr:      e.String("REDIS_ADDR", "127.0.0.1:6379"),
			Username:  e.String("REDIS_USERNAME", ""),
			Password:  e.Secret("REDIS_PASSWORD", ""),
			DB:        e.Int("REDIS_DB", 0, 0, 15),
			TLS:       readTLS(e, "REDIS_TLS"),
			KeyPrefix: e.String("REDIS_KEY_PREFIX", "newswire:"),
		},
		Topics: Topics{
			Articles:         e.String("TOPIC_ARTICLES", "news.articles"),
			Quotes:           e.String("TOPIC_QUOTES", "news.quotes"),
			Entities:         e.String("TOPIC_ENTITIES", "news.entities"),
			EnrichedQuotes:   e.String("TOPIC_ENRICHED_QUOTES", "news.enriched.quotes"),
			EnrichedEntities: e.String("TOPIC_ENRICHED_ENTITIES", "news.enriched.entities"),
			Deadletter:       e.String("TOPIC_DEADLETTER", "news.deadletter"),
		},
	}
	checkHostPort(e, "HTTP_ADDR", c.HTTPAddr)
	checkHostPort(e, "REDIS_ADDR", c.Redis.Addr)
	for _, b := range c.Kafka.Brokers {
		checkHostPort(e, "KAFKA_BROKERS", b)
	}
	if c.Kafka.SASL.Mechanism != "" && c.Kafka.SASL.Username == "" {
		e.Fail("KAFKA_SASL_USERNAME", fmt.Errorf("is required with KAFKA_SASL_MECHANISM=%s", c.Kafka.SASL.Mechanism))
	}
	return c
}

func readTLS(e *Env, prefix string) TLS {
	t := TLS{
		Enabled:            e.Bool(prefix, false),
		CAFile:             e.String(prefix+"_CA_FILE", ""),
		CertFile:           e.String(prefix+"_CERT_FILE", ""),
		KeyFile:            e.String(prefix+"_KEY_FILE", ""),
		InsecureSkipVerify: e.Bool(prefix+"_INSECURE_SKIP_VERIFY", false),
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		e.Fail(prefix+"_CERT_FILE", fmt.Errorf("needs %s_KEY_FILE too, and the other way round", prefix))
	}
	if !t.Enabled && (t.CAFile != "" || t.CertFile != "") {
		t.Enabled = true
	}
	return t
}

func checkHostPort(e *Env, name, v string) {
	if _, _, err := net.SplitHostPort(v); err != nil {
		e.Fail(name, fmt.Errorf("%q is not host:port: %w", v, err))
	}
}
