// Command creditdesk is creditdesk's single binary: it serves the GraphQL
// API, applies migrations, imports CSV files, generates demo data, prints
// tokens and runs the periodic evaluations.
//
//	creditdesk serve [--addr :8080] [--dev]
//	creditdesk migrate [up|down|status]
//	creditdesk import --dir DIR
//	creditdesk demo [--scale small|medium|large] [--seed N] [--end DATE] [--out DIR]
//	creditdesk token --user NAME
//	creditdesk evaluate --as-of DATE
//	creditdesk evaluate-dealers --quarter 2025Q2
//
// DATABASE_URL names the database. When it is unset, every command uses the
// private development cluster under ./.pgdata (started on demand from the
// machine's PostgreSQL binaries); a server that happens to be running is used
// only when DATABASE_URL names it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"creditdesk/internal/creditdesk"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API", cmdServe},
		{"migrate", "apply (up), roll back (down) or list (status) migrations", cmdMigrate},
		{"import", "load CSV files from --dir in one transaction", cmdImport},
		{"demo", "generate the demo data set (into the database, or --out DIR as CSV)", cmdDemo},
		{"token", "print a bearer token for a user", cmdToken},
		{"evaluate", "evaluate every customer's credit class as of --as-of and store snapshots", cmdEvaluate},
		{"evaluate-dealers", "evaluate the dealers of --quarter and write their classes", cmdEvaluateDealers},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()}))
	env := &environment{log: log}
	defer env.close()
	if err := run(ctx, env, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "creditdesk:", creditdeskMessage(err))
		os.Exit(1)
	}
}

func run(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	usage()
	return fmt.Errorf("unknown command %q", args[0])
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: creditdesk <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-17s %s\n", c.name, c.summary)
	}
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// creditdeskMessage shows domain errors as their message and others whole
// (the command line is the operator's own tool).
func creditdeskMessage(err error) string {
	var de *creditdesk.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}
