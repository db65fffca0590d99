// Command ferretdb-launcher runs FerretDB 1.x (MongoDB wire protocol over PostgreSQL, or over SQLite)
// for Siyu Mall's embedded engine. It uses FerretDB's embeddable package rather than cmd/ferretdb: that package never
// creates the telemetry reporter nor the debug HTTP listener, and it does not need the generated
// build/version/version.txt that a `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`
// build lacks (such a build panics at start).
//
// It listens on loopback only and exits when its standard input closes, so an engine can never
// outlive the API process that started it. Clients are served through a proxy that runs one command
// at a time, because FerretDB 1.x does not make conditional single-document updates atomic
// (serialize.go explains).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (loopback only)")
	handler := flag.String("handler", "sqlite", "storage backend: postgresql or sqlite")
	// The URL carries the cluster's password, so the API passes it in the environment rather than in
	// the argument list that every local user can read.
	postgresqlURL := flag.String("postgresql-url", os.Getenv("FERRETDB_POSTGRESQL_URL"),
		"PostgreSQL URL for --handler=postgresql, loopback only (default $FERRETDB_POSTGRESQL_URL)")
	dataDir := flag.String("data-dir", "", "--handler=sqlite: directory holding one SQLite file per database (must exist)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	telemetry := flag.String("telemetry", "disable", "always disable: the embeddable package never reports, and nothing else is accepted")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "exit when standard input reaches EOF")
	flag.Parse()

	if *telemetry != "disable" {
		fail("--telemetry can only be disable")
	}

	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		fail("--listen-addr must be a loopback address, got %q", *listen)
	}
	config := ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: *handler}
	switch *handler {
	case "postgresql":
		// The PostgreSQL backend pushes filters, sorts and limits down to SQL, so indexed queries stay
		// flat as collections grow; the SQLite backend pushes down only an exact {_id} filter.
		pg, err := url.Parse(*postgresqlURL)
		if err != nil || pg.Hostname() == "" || !net.ParseIP(pg.Hostname()).IsLoopback() {
			fail("--postgresql-url must be a postgres:// URL with a loopback host")
		}
		config.PostgreSQLURL = *postgresqlURL
	case "sqlite":
		if st, err := os.Stat(*dataDir); err != nil || !st.IsDir() {
			fail("--data-dir %q must be an existing directory", *dataDir)
		}
		config.SQLiteURL = "file:" + *dataDir + "/"
	default:
		fail("--handler must be postgresql or sqlite, got %q", *handler)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad --log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB itself listens on a private loopback port; clients reach it through the proxy that
	// serializes commands (see serialize.go).
	config.Logger = logger
	f, err := ferretdb.New(&config)
	if err != nil {
		fail("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if *handler == "postgresql" {
		go mirrorIndexes(ctx, *postgresqlURL, logger)
	}

	upstream, err := url.Parse(f.MongoDBURI())
	if err != nil {
		fail("cannot read FerretDB's address: %v", err)
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		fail("cannot listen on %s: %v", *listen, err)
	}
	proxy := &serializingProxy{upstream: upstream.Host}
	go proxy.serve(listener)
	go func() {
		<-ctx.Done()
		listener.Close()
	}()

	fmt.Fprintf(os.Stdout, "ready mongodb://%s/\n", *listen)
	if err := f.Run(ctx); err != nil {
		fail("FerretDB stopped: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: "+format+"\n", args...)
	os.Exit(1)
}
