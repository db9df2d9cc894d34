# syntax=docker/dockerfile:1
# One image for every role: `docker run -p 8000:8000 strangler` starts the `all` role on embedded
# defaults (PGlite in /data, in-process events, local flags file). Any role/setting: args and env, e.g.
#   docker run -e DATABASE_URL=postgres://… strangler service users
# The build logic lives in scripts/build.sh, which CI also runs natively; scripts/smoke-image.sh starts
# the result with the ENTRYPOINT/CMD/ENV below (it reads them from this file).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN bash scripts/build.sh /out

FROM node:24-bookworm-slim
WORKDIR /app
COPY --from=build /out/ /app/
RUN mkdir -p /data && chown 1000:1000 /data
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0
# uid/gid 1000 = the image's `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
VOLUME /data
EXPOSE 8000 8080 8081 8082 8083
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["node", "bin/strangler.js"]
CMD ["all"]
