package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/newswire/newswire/pkg/boundedread"
)

// MaxPEMFileBytes bounds a CA bundle, a certificate or its key (Debian's
// whole CA bundle is about 220 KiB).
const MaxPEMFileBytes = 1 << 20

// Config builds the client TLS configuration, or returns nil when TLS is
// off.
func (t TLS) Config() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	c := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // an operator's explicit choice, off by default
	}
	if t.CAFile != "" {
		pem, err := boundedread.File(t.CAFile, MaxPEMFileBytes)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("CA file " + t.CAFile + " holds no PEM certificate")
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := loadKeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// loadKeyPair is tls.LoadX509KeyPair with files of bounded size.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := boundedread.File(certFile, MaxPEMFileBytes)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := boundedread.File(keyFile, MaxPEMFileBytes)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(cert, key)
}
