import { serviceScript, unleashEnv } from "./local-services.js";

/** The real Unleash server of scripts/services/unleash.sh (shared by every suite that needs it), read via unleashEnv(). */
export const UNLEASH = {
  get url() {
    return unleashEnv().UNLEASH_URL!;
  },
  get apiToken() {
    return unleashEnv().UNLEASH_API_TOKEN!;
  },
  get adminToken() {
    return unleashEnv().UNLEASH_ADMIN_TOKEN!;
  },
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
  await serviceScript("unleash", "start");
  if (!(await unleashHealthy())) throw new Error("Unleash did not come up (scripts/services/unleash.sh start)");
}

export const stopUnleash = (): Promise<void> => serviceScript("unleash", "stop", 30_000);

/** The one flag-cleanup helper: archives, then deletes for good, flags a test created (names reusable, UI clean). Best effort. */
export async function deleteFlags(names: string[]): Promise<void> {
  const headers = { Authorization: UNLEASH.adminToken };
  for (const name of names) {
    await fetch(`${UNLEASH.url}/admin/projects/default/features/${encodeURIComponent(name)}`, { method: "DELETE", headers }).catch(() => undefined);
    await fetch(`${UNLEASH.url}/admin/archive/${encodeURIComponent(name)}`, { method: "DELETE", headers }).catch(() => undefined);
  }
}
