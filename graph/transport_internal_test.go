package graph

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// appendResponse writes what json.Marshal writes for every field of
// graphql.Response, set and unset; a field gqlgen adds to the type fails the
// test until appendResponse writes it.
func TestAppendResponseMatchesMarshal(t *testing.T) {
	var fields []string
	for f := range reflect.TypeFor[graphql.Response]().Fields() {
		fields = append(fields, f.Name)
	}
	if got := strings.Join(fields, " "); got != "Errors Data Label Path HasNext Extensions" {
		t.Fatalf("graphql.Response has the fields %s; appendResponse writes Errors Data Label Path HasNext Extensions", got)
	}
	no := false
	for _, resp := range []*graphql.Response{
		{},
		{Data: json.RawMessage(`{"a":[1,"\u00e9\n"]}`)},
		{Errors: gqlerror.List{{Message: `bad "x" <y>`, Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)},
			Extensions: map[string]any{"code": "BAD_USER_INPUT", "data": nil}}}, Data: json.RawMessage(`{"a":null}`)},
		{Data: json.RawMessage(`{}`), Label: "l", Path: ast.Path{ast.PathName("p")}, HasNext: &no,
			Extensions: map[string]any{"z": 1, "a": []string{"b"}}},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendResponse(nil, resp); string(got) != string(want) {
			t.Errorf("appendResponse wrote\n %s\njson.Marshal writes\n %s", got, want)
		}
	}
}

// The data of a response is written as the executor left it, not
// re-encoded: a middleware's spaced-out data stays spaced out through
// NewHandler and is compacted by gqlgen's transport.
func TestTransportWritesTheDataAsItStands(t *testing.T) {
	for _, tc := range []struct {
		direct bool
		want   string
	}{
		{true, `{"data":{ "__typename" : "Query" }}`},
		{false, `{"data":{"__typename":"Query"}}`},
	} {
		srv := newHandler(&Resolver{}, slog.New(slog.NewTextHandler(io.Discard, nil)), tc.direct)
		srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
			resp := next(ctx)
			resp.Data = json.RawMessage(`{ "__typename" : "Query" }`)
			return resp
		})
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("direct %v: wrote %s, want %s", tc.direct, got, tc.want)
		}
	}
}
