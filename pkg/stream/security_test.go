package stream_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
	"github.com/newswire/newswire/pkg/tlstest"
)

// TestSASLAndTLS runs the whole client path — topic creation, producing,
// a group consumer that commits — against a broker that demands SASL over
// TLS, for each mechanism we support; a wrong password is refused.
func TestSASLAndTLS(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			certs := tlstest.New(t)
			cluster := kafkatest.Start(t, kfake.EnableSASL(), kfake.Superuser(mech, "newswire", "s3cret-"+mech), kfake.TLS(certs.Server))
			cfg := cluster.Config()
			cfg.SASL = config.SASL{Mechanism: mech, Username: "newswire", Password: "s3cret-" + mech}
			cfg.TLS = config.TLS{Enabled: true, CAFile: certs.CA}
			conn, err := stream.Connect(cfg)
			if err != nil {
				t.Fatal(err)
			}
			log := zaptest.NewLogger(t)
			if err := conn.EnsureTopics(t.Context(), "in", "dlq"); err != nil {
				t.Fatalf("create topics over %s and TLS: %v", mech, err)
			}
			if err := conn.Ping(t.Context()); err != nil {
				t.Errorf("readiness ping over %s and TLS: %v", mech, err)
			}
			w := conn.Writer(log)
			defer w.Close()
			if err := w.WriteMessages(t.Context(), kafka.Message{Topic: "in", Key: []byte("k"), Value: []byte("over TLS")}); err != nil {
				t.Fatalf("produce: %v", err)
			}
			var mu sync.Mutex
			var got []string
			c := stream.NewConsumer(stream.ConsumerConfig{Service: "test", Group: "g", Topics: []string{"in"}, Deadletter: "dlq"}, conn,
				stream.PerRecord(func(_ context.Context, m kafka.Message) ([]kafka.Message, error) {
					mu.Lock()
					got = append(got, string(m.Value))
					mu.Unlock()
					return nil, nil
				}, 1), w, log, prometheus.NewRegistry())
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.Run(ctx) }()
			testwait.For(t, 20*time.Second, "the record arrives over the secured connection", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 })
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}

			bad := cfg
			bad.SASL.Password = "wrong"
			badConn, err := stream.Connect(bad)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel = context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err = badConn.EnsureTopics(ctx, "other")
			if err == nil {
				t.Fatal("a wrong password was accepted")
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Errorf("the error repeats the password: %v", err)
			}
			if err := badConn.Ping(ctx); err == nil {
				t.Error("the readiness ping passed with a wrong password")
			} else if strings.Contains(err.Error(), "wrong") {
				t.Errorf("the ping's error repeats the password: %v", err)
			}
		})
	}
}
