package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// postJSON is gqlgen's POST transport, but writes a response's data as the
// executor wrote it. transport.POST writes the response with json.Marshal,
// which validates and compacts the data again, byte by byte: for a report
// of 20,000 rows, 3 MB. The executor's output is compact JSON already.
//
// It answers the requests transport.POST would answer with
// application/json (Supports). Whatever does not reach execution (a body
// it cannot read or decode, a document that does not parse or validate) is
// handed to transport.POST, so that status codes and error bodies are
// gqlgen's own. The two write the same bytes (TestTransportMatchesGqlgen).
type postJSON struct{ transport.POST }

// Supports claims the POST requests whose response transport.POST would
// type application/json.
func (t postJSON) Supports(r *http.Request) bool {
	return t.POST.Supports(r) && answeredAsJSON(r.Header.Get("Accept"))
}

// answeredAsJSON reports whether transport.POST, as configured here
// (application/json is the default), answers a request with this Accept
// header as application/json: when there is none, or the first media type
// of the list that it knows is application/json, application/* or */*.
func answeredAsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "application/json", "application/*", "*/*":
			return true
		case "application/graphql-response+json":
			return false
		}
	}
	return false
}

func (t postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = io.NopCloser(failingReader{err})
		t.POST.Do(w, r, exec)
		return
	}
	handOver := func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		t.POST.Do(w, r, exec)
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		handOver()
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		handOver()
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	w.Header().Set("Content-Type", "application/json")
	w.Write(appendResponse(nil, responses(ctx))) //nolint:errcheck
}

// appendResponse appends what json.Marshal writes for resp, with its data
// as it stands: the fields of graphql.Response in their order, with their
// omitempty rules.
func appendResponse(b []byte, resp *graphql.Response) []byte {
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		b = appendMember(b, "errors", resp.Errors)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if resp.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	if resp.Label != "" {
		b = appendMember(append(b, ','), "label", resp.Label)
	}
	if len(resp.Path) > 0 {
		b = appendMember(append(b, ','), "path", resp.Path)
	}
	if resp.HasNext != nil {
		b = appendMember(append(b, ','), "hasNext", *resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		b = appendMember(append(b, ','), "extensions", resp.Extensions)
	}
	return append(b, '}')
}

// appendMember appends "name":value, the value as json.Marshal writes it.
// The values are the response's errors and metadata, never its data.
func appendMember(b []byte, name string, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		// What transport.POST does with a response it cannot write.
		panic(err)
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return append(b, j...)
}

// failingReader hands a request body's read error to transport.POST.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
