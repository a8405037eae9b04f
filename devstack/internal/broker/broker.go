// Package broker starts the embedded Kafka-protocol broker (franz-go's
// kfake) for development runs.
package broker

import (
	"fmt"
	"net"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Start runs a one-broker cluster on addr. With dataDir set, topics and
// offsets are kept there across runs; empty keeps everything in memory.
func Start(addr, dataDir string, partitions int) (*kfake.Cluster, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("broker address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("broker port %q: %w", portStr, err)
	}
	// kfake listens on 127.0.0.1; refuse other hosts rather than mislead.
	if host != "127.0.0.1" && host != "localhost" {
		return nil, fmt.Errorf("the embedded broker listens on 127.0.0.1 only, not %s", host)
	}
	opts := []kfake.Opt{
		kfake.Ports(port),
		kfake.DefaultNumPartitions(partitions),
	}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker on %s (is another one running? set KAFKA_BROKERS to use it): %w", addr, err)
	}
	return c, nil
}
