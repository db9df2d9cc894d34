import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// The real Unleash server of scripts/services/unleash.sh (shared by every test suite that needs it).
const SCRIPT = fileURLToPath(new URL("../../../scripts/services/unleash.sh", import.meta.url));
const run = promisify(execFile);

export const UNLEASH = {
  url: process.env.UNLEASH_URL ?? "http://127.0.0.1:4242/api",
  apiToken: process.env.UNLEASH_API_TOKEN ?? "default:development.strangler-backend-token",
  adminToken: process.env.UNLEASH_ADMIN_TOKEN ?? "*:*.strangler-admin-token",
};

export async function unleashHealthy(): Promise<boolean> {
  try {
    const res = await fetch(new URL("../health", `${UNLEASH.url}/`), { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts Unleash (and its PostgreSQL) through the project script unless it already answers; fails loudly otherwise. */
export async function ensureUnleash(): Promise<void> {
  if (await unleashHealthy()) return;
  await startUnleash();
}

export async function startUnleash(): Promise<void> {
  await run("bash", [SCRIPT, "start"], { timeout: 150_000 });
  if (!(await unleashHealthy())) throw new Error("Unleash did not come up (scripts/services/unleash.sh start)");
}

export async function stopUnleash(): Promise<void> {
  await run("bash", [SCRIPT, "stop"], { timeout: 30_000 });
}

/** Archives, then deletes for good, flags a test created (so names can be reused and the UI stays clean). */
export async function deleteFlags(names: string[]): Promise<void> {
  const headers = { Authorization: UNLEASH.adminToken };
  for (const name of names) {
    await fetch(`${UNLEASH.url}/admin/projects/default/features/${encodeURIComponent(name)}`, { method: "DELETE", headers }).catch(() => undefined);
    await fetch(`${UNLEASH.url}/admin/archive/${encodeURIComponent(name)}`, { method: "DELETE", headers }).catch(() => undefined);
  }
}
