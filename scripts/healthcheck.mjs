// Container health probe: GET <path> (default /health; compose uses /ready) on the port of the role
// PID 1 runs (PORT wins when set). Node only: the slim image has no curl. Exit 0 healthy, 1 not.
//   node scripts/healthcheck.mjs [/health|/ready]
import { readFileSync } from "node:fs";

// The one table of default ports, from the build the image carries (src/platform/config/default-endpoints.ts).
const { DEFAULT_PORTS } = await import(new URL("../dist/src/platform/config/default-endpoints.js", import.meta.url).href);

function rolePort() {
  try {
    // /proc/1/cmdline = "node\0bin/strangler.js\0<role>\0[service name]\0"
    const args = readFileSync("/proc/1/cmdline", "utf8").split("\0");
    const i = args.findIndex((a) => a.endsWith("strangler.js"));
    const role = args[i + 1] === "service" ? args[i + 2] : args[i + 1];
    return DEFAULT_PORTS[role === "all" || !role ? "proxy" : role];
  } catch {
    return undefined;
  }
}

const port = process.env.PORT || rolePort() || 8000;
const path = process.argv[2] ?? "/health";
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
