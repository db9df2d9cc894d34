# One image for every role: `docker run -p 8000:8000 strangler` starts the `all` role on embedded defaults
# (an embedded PostgreSQL server with its data in /data, in-process events, flags file). Any role/setting:
# args and env, e.g.
#   docker run -e DATABASE_URL=postgres://… strangler service users
# The build logic lives in scripts/build.sh, which CI also runs natively; scripts/smoke-image.sh starts
# the result with the ENTRYPOINT/CMD/ENV below (it reads them from this file).

FROM node:24-bookworm-slim AS build
# binutils: build.sh strips the embedded PostgreSQL and slims its ICU data; `strip` also drops the debug symbols of
# the node binary the runtime stage copies (127 -> 109 MB; JavaScript stack traces are unaffected).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/build.sh /out
RUN strip /usr/local/bin/node && node --version

# The image that serves traffic (and runs `strangler migrate`) needs Node and the staged app, not npm, yarn or the
# build's dev dependencies: Debian slim plus the node binary of the same official image.
FROM debian:bookworm-slim
# OpenSSL: what Prisma expects on the system (its platform detection reads libssl; Node bundles its own).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /out/ /app/
RUN mkdir -p /data && chown 1000:1000 /data
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0
# uid/gid 1000 = the `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
VOLUME /data
EXPOSE 8000 9000 8080 8081 8082 8083
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["node", "bin/strangler.js"]
CMD ["all"]
