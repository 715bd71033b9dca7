// Package main is the PlatformEnvironment composition function: it turns one PlatformEnvironment into
// the managed resources of a complete AWS environment.
package main

import (
	"time"

	"github.com/alecthomas/kong"

	"github.com/crossplane/function-sdk-go"
)

// CLI is the function's command line, the flags of function-template-go plus the metrics address.
type CLI struct {
	Debug bool `help:"Emit debug logs in addition to info logs." short:"d"`

	Network     string `default:"tcp"   help:"Network on which to listen for gRPC connections."`
	Address     string `default:":9443" help:"Address at which to listen for gRPC connections."`
	TLSCertsDir string `env:"TLS_SERVER_CERTS_DIR" help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)."`
	Insecure    bool   `help:"Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored."`
	// The SDK serves metrics on :8080 by default, the port Crossplane's own metrics use: when both run on
	// one host (development, the e2e test), move it or switch it off with --metrics-address="".
	MetricsAddress     string `default:":8080" help:"Address of the Prometheus metrics server; empty disables it." name:"metrics-address"`
	MaxRecvMessageSize int    `default:"4" help:"Maximum size of received messages in MB."`
	// A measurement switch, not a setting: make fleet runs the function once with --fixed-ttl=1m, the TTL it
	// answered with before the adaptive one (ttl.go), to measure what the adaptive TTL saves at rest.
	FixedTTL time.Duration `default:"0" help:"Answer every successful render with this TTL instead of the adaptive one (0: adaptive). For measurements only." name:"fixed-ttl"`
}

// Run this function.
func (c *CLI) Run() error {
	log, err := function.NewLogger(c.Debug)
	if err != nil {
		return err
	}
	return function.Serve(&Function{log: log, fixedTTL: c.FixedTTL},
		function.Listen(c.Network, c.Address),
		function.MTLSCertificates(c.TLSCertsDir),
		function.Insecure(c.Insecure),
		function.MaxRecvMessageSize(c.MaxRecvMessageSize*1024*1024),
		function.WithMetricsServer(c.MetricsAddress),
	)
}

func main() {
	ctx := kong.Parse(&CLI{}, kong.Description("A composition function that renders a PlatformEnvironment."))
	ctx.FatalIfErrorf(ctx.Run())
}
