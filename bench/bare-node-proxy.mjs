// Reference for the proxy benchmark (d): the least a Node.js reverse proxy can do — one keep-alive agent,
// http.request + pipe both ways, no routing, flags, breaker, metrics or header rewriting. Its CPU per request
// is the floor of any proxy built on node:http; the gap between it and nginx is the runtime's, not our code's.
// Usage: PORT=<port> node bench/bare-node-proxy.mjs <backend-url>; prints "ready" when listening.
import http from "node:http";

const [port, backend] = [Number(process.env.PORT), new URL(process.argv[2])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
const server = http.createServer((req, res) => {
  const upstream = http.request({ host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
