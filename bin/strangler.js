#!/usr/bin/env node
// The one entry point: `strangler <role> [args]`. Runs the compiled build (npm run build).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("strangler: not built yet — run `npm run build` (npm start does this for you)");
  process.exit(1);
}
await import(entry.href);
