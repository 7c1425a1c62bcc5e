package graph

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"creditdesk/internal/creditdesk"
)

// MaxComplexity bounds the cost of one request; list fields weigh their page
// size (see complexity.go).
const MaxComplexity = 200_000

// NewHandler builds the GraphQL handler with explicit transports and
// extensions (gqlgen's NewDefaultServer is not meant for production): POST
// and GET, a query cache for persisted documents, a complexity limit, and the
// one place where domain errors become `extensions.code`.
func NewHandler(r *Resolver, log *slog.Logger) *handler.Server {
	return newHandler(r, log, true)
}

// newHandler is NewHandler, with or without creditdesk's own rendering of
// lists (direct.go) and writing of POST responses (transport.go); without
// them, every list is rendered by gqlgen's executor and every response
// written by gqlgen's transport, the reference both are held to.
func newHandler(r *Resolver, log *slog.Logger, direct bool) *handler.Server {
	cfg := Config{Resolvers: r}
	setComplexity(&cfg)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	if direct {
		srv.AddTransport(postJSON{})
	}
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(MaxComplexity))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	if direct {
		srv.Use(newDirectLists(r))
	}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if r.Loaders != nil {
			ctx = WithLoaders(ctx, r.Loaders)
		}
		if r.Dealers != nil {
			ctx = WithDealerLoaders(ctx, r.Dealers)
		}
		if r.Credit != nil {
			ctx = WithCreditLoaders(ctx, r)
		}
		if r.CreditClasses != nil {
			ctx = WithClassLoaders(ctx, r)
		}
		return next(ctx)
	})
	if r.ResponseCache != nil {
		// Innermost, so that a query it computes runs with the loaders in
		// its context.
		srv.AroundOperations(r.ResponseCache.around)
	}
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", v)
		return errors.New("internal error")
	})
	return srv
}

// presentError maps an error to the GraphQL error the client sees: domain
// errors keep their message and code; anything else is logged with its cause
// and shown only as "internal error", so SQL, stack traces and other
// customers' data never leave the server.
func presentError(ctx context.Context, err error, log *slog.Logger) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var de *creditdesk.Error
	switch {
	case errors.As(err, &de):
		gerr.Message = de.Message
		gerr.Extensions = map[string]any{"code": de.Code}
		if de.Field != "" {
			gerr.Extensions["field"] = de.Field
		}
	case isInputError(gerr):
		// Parse and validation errors of the request itself.
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		if _, ok := gerr.Extensions["code"]; !ok || gerr.Extensions["code"] == "GRAPHQL_VALIDATION_FAILED" ||
			gerr.Extensions["code"] == "GRAPHQL_PARSE_FAILED" {
			gerr.Extensions["code"] = creditdesk.EINVALID
		}
	case isRequestError(err):
		// gqlgen's own answers about the request: a body that is not
		// JSON, a persisted query the server does not hold (whose code
		// tells the client to send the whole document).
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		if _, ok := gerr.Extensions["code"]; !ok {
			gerr.Extensions["code"] = creditdesk.EINVALID
		}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		gerr.Message = "request cancelled or timed out"
		gerr.Extensions = map[string]any{"code": creditdesk.EINTERNAL}
	default:
		log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String(), "at", time.Now().UTC())
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": creditdesk.EINTERNAL}
	}
	return gerr
}

// isRequestError reports an error gqlgen raised about the request as a
// whole: its own error, wrapping no other and on no field's path. Resolvers
// never return one (their errors are creditdesk's or Go's, and carry the
// field's path).
func isRequestError(err error) bool {
	var ge *gqlerror.Error
	return errors.As(err, &ge) && ge.Err == nil && len(ge.Path) == 0
}

// isInputError reports errors gqlgen raises for a malformed request (parse,
// validation, variable coercion) rather than for a failed resolver.
func isInputError(e *gqlerror.Error) bool {
	if e.Extensions == nil {
		return e.Rule != "" || len(e.Locations) > 0 && len(e.Path) == 0
	}
	switch e.Extensions["code"] {
	case "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED":
		return true
	}
	return false
}
