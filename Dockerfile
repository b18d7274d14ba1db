# syntax=docker/dockerfile:1
#
# userpool as a container: a static binary on distroless, as a non-root user,
# with its SQLite file on the /data volume. See README "Containers".
#
#   docker build -t userpool .
#   docker run -d -p 127.0.0.1:9229:9229 -v userpool-data:/data \
#     -e USERPOOL_ADMIN_KEYS=AKIDLOCALADMIN:$(openssl rand -hex 20) userpool
#
# Flags after the image name replace CMD; USERPOOL_* variables set the rest
# (a flag wins over its variable).

# Build on the machine's own platform and cross-compile: Go needs no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
# Modules first, so a change to the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# The whole context, .git included: `go build` then stamps the module version
# and revision that `userpool version` prints (no -ldflags needed).
COPY . .
# CGO_ENABLED=0: a static binary (the SQLite driver is pure Go), so the image
# needs no libc. -trimpath: no build-machine paths in it.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/userpool ./cmd/userpool \
 && mkdir /out/data

# distroless/static: CA certificates (SMTP, SNS, Lambda over TLS), tzdata and
# an /etc/passwd with the nonroot user (65532); no shell, no package manager.
FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/userpool /userpool
# A volume starts as a copy of the image's directory: it must belong to the
# user, or SQLite cannot create its file (and -wal, -shm) there.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# The URL clients reach the API at, which tokens carry as their issuer
# (otherwise http://[::]:9229). Set it to the public URL in production.
ENV USERPOOL_ISSUER_BASE=http://127.0.0.1:9229
VOLUME ["/data"]
# 9229: the Cognito API. 9230: /metrics, on its own listener (publish it only
# where operators can reach it, never beside the API).
EXPOSE 9229 9230
# No shell in the image: the binary probes itself (GET /healthz; exit 0 or 1).
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["/userpool", "healthcheck"]
ENTRYPOINT ["/userpool"]
# No --dev here: on 0.0.0.0 it is refused unless --dev-listen-public is given
# too, with admin keys (README "Containers"). Without --dev the server needs
# admin keys (USERPOOL_ADMIN_KEYS or USERPOOL_ADMIN_KEYS_FILE) to start.
CMD ["serve", "--addr", "0.0.0.0:9229", "--db", "sqlite:/data/userpool.db", "--metrics-addr", "0.0.0.0:9230"]
