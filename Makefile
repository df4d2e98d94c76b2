# collabbot build targets. GNU make 4.3; every target is phony because the Go
# tool does its own caching.

GO          ?= go
PKGS        ?= ./...
BIN         ?= bin/collabbot
FUZZTIME    ?= 5s
# Pinned and fetched through the module proxy by `go run`, so linting needs no
# install step and stays out of go.mod.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all deps run build test lint bench fuzz migrate clean

all: build

deps:
	$(GO) mod download

# The built binary, not `go run`: go run exits 1 when its child is
# interrupted, so Ctrl-C ended every session with "make: *** Error 1".
run: build
	./$(BIN) serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o $(BIN) ./cmd/collabbot

# One go test per package, JOBS at a time: go test ./... prints a package's
# line only after every package before it in the list has finished, so the
# slow ones hid all output for minutes. Each line now shows as its package
# finishes; xargs fails (123) when any package does.
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
test: deps
	@$(GO) list $(PKGS) | xargs -P $(JOBS) -n 1 $(GO) test -race

lint: deps
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Runs every fuzz target for FUZZTIME; the Go tool fuzzes one target of one
# package per run, hence the loop.
fuzz: deps
	@set -e; found=0; \
	for file in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		dir=$$(dirname "$$file"); \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$file"); do \
			found=1; \
			echo "== $$dir $$name ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) "$$dir"; \
		done; \
	done; \
	[ $$found = 1 ] || echo "no fuzz targets"

migrate:
	$(GO) run ./cmd/collabbot migrate

clean:
	rm -rf bin/ coverage.out coverage.html
