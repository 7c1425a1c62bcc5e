package graph_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTransportMatchesGqlgen: a POST request is answered with the status,
// content type and bytes gqlgen's own transport answers it with: data, data
// with errors, requests that fail before execution (a body that is not
// JSON, a document that does not parse or validate, variables of the wrong
// type, an unknown operation), and every kind of Accept header.
func TestTransportMatchesGqlgen(t *testing.T) {
	a := newAPI(t)
	a.seedAccount(2)
	reference := a.reference()

	const data = `{"query":"{ customer(code: \"K1\") { code name invoices(first: 2, asOf: \"2025-06-30\") { edges { node { number openBalance } } } } }"}`
	const dataAndError = `{"query":"{ a: customer(code: \"K1\") { code } b: creditClass(customerCode: \"NOPE\", asOf: \"2025-06-30\") { creditClass } }"}`
	for _, tc := range []struct{ name, body, accept, want string }{
		{"data", data, "", `{"data":{"customer":{"code":"K1","name":`},
		{"data and an error", dataAndError, "", `{"errors":[{"message":`},
		{"a body that is not JSON", `{"query":`, "", `could not be decoded: unexpected EOF body:{\"query\":","extensions":{"code":"BAD_USER_INPUT"}`},
		{"a document that does not parse", `{"query":"{ customer("}`, "", `"code":"BAD_USER_INPUT"`},
		{"a field that does not exist", `{"query":"{ nope }"}`, "", `Cannot query field \"nope\"`},
		{"a variable of the wrong type", `{"query":"query($c: String!) { customer(code: $c) { code } }","variables":{"c":{}}}`,
			"", `"message":"cannot use map as String","path":["variable","c"]`},
		{"an unknown operation", `{"query":"query A { __typename }","operationName":"B"}`, "", `"message":"operation B not found"`},
		{"an unknown persisted query", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`, "",
			`{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}`},
		{"accept application/json", data, "application/json", `"data":{"customer"`},
		{"accept anything", dataAndError, "text/html;q=0.9, */*;q=0.8", `"errors"`},
		{"accept graphql-response+json", dataAndError, "application/graphql-response+json", `"errors"`},
		{"accept graphql-response+json, a document that does not parse", `{"query":"{ customer("}`,
			"application/graphql-response+json", `"code":"BAD_USER_INPUT"`},
		{"accept nothing the server writes", data, "text/html", `"data":{"customer"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := exchange(a.srv, tc.body, tc.accept), exchange(reference, tc.body, tc.accept)
			if got != want {
				t.Fatalf("creditdesk's transport differs from gqlgen's:\n creditdesk: %s\n gqlgen:     %s", got, want)
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want %s in %s", tc.want, got)
			}
		})
	}
}

// exchange posts body to h with an Accept header (none when empty) and
// returns the status, the content type and the body of the answer.
func exchange(h http.Handler, body, accept string) string {
	req := newPost(strings.NewReader(body))
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result().Status + " " + rec.Header().Get("Content-Type") + " " + rec.Body.String()
}

// TestPersistedQueries: a client may send a document's SHA-256 alone; the
// server answers PERSISTED_QUERY_NOT_FOUND until it has seen the document
// with its hash once, and then runs the document the hash names.
func TestPersistedQueries(t *testing.T) {
	a := newAPI(t)
	a.seedAccount(1)
	const doc = `{ customer(code: "K1") { code } }`
	hash := fmt.Sprintf("%x", sha256.Sum256([]byte(doc)))
	ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	query, _ := json.Marshal(doc)
	for _, step := range []struct{ body, want string }{
		{`{` + ext + `}`, `200 OK application/json {"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}],"data":null}`},
		{`{"query":` + string(query) + `,` + ext + `}`, `200 OK application/json {"data":{"customer":{"code":"K1"}}}`},
		{`{` + ext + `}`, `200 OK application/json {"data":{"customer":{"code":"K1"}}}`},
		{`{"query":"{ __typename }",` + ext + `}`, `200 OK application/json {"errors":[{"message":"provided APQ hash does not match query","extensions":{"code":"BAD_USER_INPUT"}}],"data":null}`},
	} {
		if got := exchange(a.srv, step.body, ""); got != step.want {
			t.Errorf("%s:\n got  %s\n want %s", step.body, got, step.want)
		}
	}
}
