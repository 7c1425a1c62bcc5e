# creditdesk — two commands on a fresh machine: `make run` and `make test`.
# Without DATABASE_URL both start (or reuse) a private PostgreSQL cluster
# under ./.pgdata from the machine's binaries, installing PostgreSQL with apt
# when it is missing.

GO ?= go
PKGS := ./...

.PHONY: all build run test lint vet fmt-check staticcheck generate bench bench-quick bench-import

all: build

build:
	$(GO) build -o bin/creditdesk ./cmd/creditdesk

## run: serve the API with the demo data on the private cluster (GraphiQL at http://localhost:8080/)
run:
	$(GO) run ./cmd/creditdesk serve --dev

## test: formatting, vet, staticcheck and every test against a real PostgreSQL,
## under the race detector (the server resolves fields, loads lists and stages
## imports on goroutines of their own)
test: lint
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.pgdata/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

## generate: regenerate the GraphQL code from graph/schema (committed; not part of the tests)
generate:
	$(GO) tool gqlgen generate

## bench: the benchmark suite on the large demo data set (not part of `make test`; see docs/BENCHMARKS.md)
bench:
	$(GO) run ./bench/cmd/benchrun --scale large --duration 10s --warmup 3s

## bench-quick: the same suite on the medium data set, in about three minutes
bench-quick:
	$(GO) run ./bench/cmd/benchrun --scale medium --duration 1s --warmup 500ms --slice 500ms

## bench-import: creditdesk import of the large data set against the import's floor (typed binary COPY), 2 loads each
bench-import:
	$(GO) run ./bench/cmd/benchrun --scale large --import 2
