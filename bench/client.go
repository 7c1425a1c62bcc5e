package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Target answers one query of the suite: creditdesk or the peer over HTTP,
// or the floor through pgx. Do sends one request and returns the raw answer
// (the `data` object's JSON for GraphQL targets, the floor's JSON value).
type Target interface {
	Do(ctx context.Context) ([]byte, error)
}

// GraphQLClient posts GraphQL requests to one endpoint over keep-alive
// loopback connections.
type GraphQLClient struct {
	URL  string
	HTTP *http.Client
}

// NewGraphQLClient returns a client for url with enough idle connections for
// the highest concurrency.
func NewGraphQLClient(url string) *GraphQLClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &GraphQLClient{URL: url, HTTP: &http.Client{Transport: tr, Timeout: 5 * time.Minute}}
}

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// ErrGraphQL is an answer with errors.
var ErrGraphQL = errors.New("graphql error")

// Request sends one query and returns its `data`; an answer with errors is
// an error naming the first.
func (c *GraphQLClient) Request(ctx context.Context, query string, vars map[string]any) ([]byte, error) {
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars})
	if err != nil {
		return nil, err
	}
	return c.post(ctx, body)
}

func (c *GraphQLClient) post(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		return nil, fmt.Errorf("%w: %s (path %v, extensions %v)", ErrGraphQL, e.Message, e.Path, e.Extensions)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	return r.Data, nil
}

// QueryFields lists the root Query fields of the schema behind c.
func (c *GraphQLClient) QueryFields(ctx context.Context) (map[string]bool, error) {
	data, err := c.Request(ctx, `{ __schema { queryType { fields { name } } } }`, nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Schema struct {
			QueryType struct {
				Fields []struct{ Name string } `json:"fields"`
			} `json:"queryType"`
		} `json:"__schema"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, f := range r.Schema.QueryType.Fields {
		out[f.Name] = true
	}
	return out, nil
}

// graphQLTarget is one query sent again and again: the body is encoded once.
type graphQLTarget struct {
	c    *GraphQLClient
	body []byte
}

// NewGraphQLTarget returns the target sending query with vars to c.
func NewGraphQLTarget(c *GraphQLClient, query string, vars map[string]any) (Target, error) {
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars})
	if err != nil {
		return nil, err
	}
	return &graphQLTarget{c: c, body: body}, nil
}

// Do sends the request and reads the whole answer; it looks for errors
// without decoding the JSON, so the driver spends as little CPU per answer on
// the GraphQL targets as on the floor, whose JSON it does not decode either.
func (t *graphQLTarget) Do(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.c.URL, bytes.NewReader(t.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := t.c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors":[`)) {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, b)
	}
	return b, nil
}

// floorTarget runs a floor statement through pgx (prepared once per
// connection, pgx's default) and reads its JSON answer.
type floorTarget struct {
	db   *pgxpool.Pool
	sql  string
	args []any
}

// NewFloorTarget returns the target running sql with args on db.
func NewFloorTarget(db *pgxpool.Pool, sql string, args []any) Target {
	return &floorTarget{db: db, sql: sql, args: args}
}

func (t *floorTarget) Do(ctx context.Context) ([]byte, error) {
	var b []byte
	if err := t.db.QueryRow(ctx, t.sql, t.args...).Scan(&b); err != nil {
		return nil, err
	}
	return b, nil
}
