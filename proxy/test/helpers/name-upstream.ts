/**
 * Stand-in upstream process for the proxy's integration tests (the proxy alone, without the app's roles and their
 * database): answers every request with JSON naming itself, echoing method, url, body digest and the
 * forwarding headers. GET /health → 200. …/slow?ms=N[&only=<name>] waits. …/fail → 500. …/flaky?pct=N[&only=<name>]
 * → 500 for N % of those requests, evenly spread (the route guard's tests).
 * …/stock/<sku> answers a record with a fresh id and timestamp, a random `nonce`, its own name as `instance` and
 * `quantity` = STOCK_QUANTITY (5 unless set: a "wrong" service for the shadow tests is started with another).
 * …/envoy/<reason> (every upstream but the monolith) answers exactly as an Istio sidecar's Envoy does when the
 * service behind it is unreachable or its connection pool overflows (Envoy cannot run here: this emulates its
 * documented local reply — 503, text/plain, `server: envoy`, plus `x-envoy-overloaded: true` for overflow).
 * Run: `startProcess(nameUpstream("inventory"))` (or node --import tsx proxy/test/helpers/name-upstream.ts <name>
 * with PORT=<port>); prints "ready <port>".
 */
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const name = process.argv[2] ?? "upstream";
const port = Number(process.env.PORT ?? 0);
let flaky = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    const answer = (status: number) => {
      const payload = JSON.stringify({
        upstream: name,
        method: req.method,
        url: req.url,
        bodyBytes: body.length,
        bodySha256: createHash("sha256").update(body).digest("hex"),
        requestId: req.headers["x-request-id"] ?? null,
        forwardedFor: req.headers["x-forwarded-for"] ?? null,
        forwardedHost: req.headers["x-forwarded-host"] ?? null,
        host: req.headers.host ?? null,
        connection: req.headers.connection ?? null,
        extracted: req.headers["x-strangler-extracted"] ?? null,
      });
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (url.pathname === "/health") return answer(200);
    const stock = /\/stock\/([\w-]+)$/.exec(url.pathname);
    if (stock) {
      const record = { sku: stock[1], quantity: Number(process.env.STOCK_QUANTITY ?? 5), id: randomUUID(), createdAt: new Date().toISOString(), nonce: Math.random(), instance: name };
      const payload = JSON.stringify(record);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
      return void res.end(payload);
    }
    const envoy = /\/envoy\/([a-z-]+)$/.exec(url.pathname);
    if (envoy && name !== "monolith") {
      const reason = envoy[1]!.replaceAll("-", " ");
      const text = `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`;
      const headers: Record<string, string | number> = { "content-type": "text/plain", "content-length": Buffer.byteLength(text), server: "envoy", date: new Date().toUTCString() };
      if (reason === "overflow") headers["x-envoy-overloaded"] = "true";
      res.writeHead(503, headers);
      return void res.end(text);
    }
    if (url.pathname.endsWith("/fail")) return answer(500);
    const flakyFor = url.searchParams.get("only");
    if (url.pathname.endsWith("/flaky") && (!flakyFor || flakyFor === name)) {
      const pct = Number(url.searchParams.get("pct") ?? 0);
      const i = flaky++;
      return answer(Math.floor(((i + 1) * pct) / 100) > Math.floor((i * pct) / 100) ? 500 : 200);
    }
    const slowFor = url.searchParams.get("only");
    if (url.pathname.endsWith("/slow") && (!slowFor || slowFor === name))
      return void setTimeout(() => answer(200), Number(url.searchParams.get("ms") ?? 1000));
    answer(req.method === "POST" ? 201 : 200);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
