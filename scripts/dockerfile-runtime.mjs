// Reads how the image starts from the Dockerfile's final stage: ENTRYPOINT, CMD (exec/JSON form) and ENV,
// so scripts/smoke-image.sh and tests/deploy start the native build exactly like the container.
//   node scripts/dockerfile-runtime.mjs entrypoint|cmd|env     # one item per line (env: KEY=value)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @returns {{ from: string[], entrypoint: string[], cmd: string[], env: Record<string, string>, user?: string, expose: number[] }} */
export function readImageRuntime(file = new URL("../Dockerfile", import.meta.url)) {
  const lines = readFileSync(file, "utf8")
    .replace(/\\\r?\n/g, " ") // line continuations
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const from = [];
  let stage = {};
  for (const line of lines) {
    const [, op = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    switch (op.toUpperCase()) {
      case "FROM": from.push(rest.split(/\s+/)[0]); stage = { entrypoint: [], cmd: [], env: {}, expose: [] }; break;
      case "ENTRYPOINT": stage.entrypoint = execForm(op, rest); break;
      case "CMD": stage.cmd = execForm(op, rest); break;
      case "USER": stage.user = rest; break;
      case "EXPOSE": stage.expose.push(...rest.split(/\s+/).map((p) => Number.parseInt(p, 10))); break;
      case "ENV": Object.assign(stage.env, parseEnv(rest)); break;
    }
  }
  return { from, ...stage };
}

function execForm(op, rest) {
  const v = JSON.parse(rest);
  if (!Array.isArray(v)) throw new Error(`${op} must use the exec (JSON array) form: ${rest}`);
  return v;
}

function parseEnv(rest) {
  if (!rest.includes("=")) { const [k, ...v] = rest.split(/\s+/); return { [k]: v.join(" ") }; }
  const env = {};
  for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) env[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  return env;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const what = process.argv[2];
  const rt = readImageRuntime();
  const out = what === "env" ? Object.entries(rt.env).map(([k, v]) => `${k}=${v}`) : rt[what];
  if (!Array.isArray(out)) { console.error("usage: dockerfile-runtime.mjs entrypoint|cmd|env"); process.exit(2); }
  if (out.length) console.log(out.join("\n"));
}
