import { EXIT_BACKEND, FlagsCommandError, GUARD_MARK, type FlagStore } from "./flag-store.js";
import { rolloutStrategy, summarizeFlag, type FlagStrategy } from "../flags-file.js";

interface AdminFeature {
  name: string;
  description?: string;
  environments?: { name: string; enabled: boolean; strategies?: (FlagStrategy & { id: string })[] }[];
}

/**
 * The Unleash-server store, over the Admin API (admin token):
 * GET/POST /api/admin/projects/{project}/features[/{flag}], POST …/environments/{env}/strategies,
 * PUT …/strategies/{id}, POST …/environments/{env}/on|off.
 */
export function createUnleashAdminStore(options: { url: string; token: string; project: string; environment: string; timeoutMs: number }): FlagStore {
  const base = `${options.url.replace(/\/+$/, "")}/admin/projects/${encodeURIComponent(options.project)}/features`;
  const env = encodeURIComponent(options.environment);

  async function call<T>(method: string, path: string, body?: unknown, allow404 = false, root = base): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { Authorization: options.token, "Content-Type": "application/json", Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e instanceof Error ? e.name : String(e));
      throw new FlagsCommandError(`cannot reach Unleash at ${options.url} (${cause}) — is it running? (scripts/services/unleash.sh start)`, EXIT_BACKEND);
    }
    const text = await res.text();
    if (res.status === 404 && allow404) return undefined;
    if (res.status === 401 || res.status === 403)
      throw new FlagsCommandError(`Unleash rejected UNLEASH_ADMIN_TOKEN (HTTP ${res.status}): an admin token is required for ${method} ${path || "/"}`, EXIT_BACKEND);
    if (!res.ok) throw new FlagsCommandError(`Unleash answered HTTP ${res.status} to ${method} ${root}${path}: ${unleashMessage(text)}`, EXIT_BACKEND);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const feature = (flag: string) => call<AdminFeature>("GET", `/${encodeURIComponent(flag)}`, undefined, true);
  const environmentOf = (f: AdminFeature) => {
    const e = f.environments?.find((x) => x.name === options.environment);
    if (!e) throw new FlagsCommandError(`flag ${f.name} has no environment "${options.environment}" in project "${options.project}" (UNLEASH_ENVIRONMENT)`, EXIT_BACKEND);
    return e;
  };
  const describeAs = (flag: string, description: string) => call("PATCH", `/${encodeURIComponent(flag)}`, [{ op: "replace", path: "/description", value: description }]);
  const guardOf = (f: AdminFeature) => (f.description?.startsWith(GUARD_MARK) ? f.description : null);
  const strategies = (flag: string) => `/${encodeURIComponent(flag)}/environments/${env}/strategies`;
  const admin = `${options.url.replace(/\/+$/, "")}/admin`;
  // A new flag is disabled everywhere; an archived one with the same name is revived (it comes back disabled).
  async function create(flag: string, description: string): Promise<void> {
    try {
      await call("POST", "", { name: flag, type: "release", description, impressionData: false });
    } catch (e) {
      if (!(e instanceof FlagsCommandError && / 409 /.test(e.message))) throw e;
      if (/archived/i.test(e.message)) await call("POST", `/archive/revive/${encodeURIComponent(flag)}`, undefined, false, admin);
    }
    const f = await feature(flag);
    if (f && !environmentOf(f).strategies?.length) await call("POST", strategies(flag), { ...rolloutStrategy(flag, 0), segments: [] });
  }

  return {
    where: `Unleash ${options.url} (project ${options.project}, environment ${options.environment})`,
    async get(flag) {
      const f = await feature(flag);
      return f ? { ...summarizeFlag(environmentOf(f)), guard: guardOf(f) } : { ...summarizeFlag(undefined), guard: null };
    },
    async ensure(flag, description) {
      if (await feature(flag)) return false;
      await create(flag, description);
      return true;
    },
    async setRollout(flag, percent, description) {
      let f = await feature(flag);
      if (!f) {
        await create(flag, description);
        f = (await feature(flag))!;
      }
      const existing = environmentOf(f).strategies?.find((s) => s.name === "flexibleRollout");
      if (existing) {
        const { id, name, constraints, parameters, segments } = existing;
        const kept = { stickiness: parameters?.stickiness ?? "default", groupId: parameters?.groupId ?? flag };
        await call("PUT", `${strategies(flag)}/${encodeURIComponent(id)}`, { name, constraints: constraints ?? [], segments: segments ?? [], parameters: { ...parameters, ...kept, rollout: String(percent) } });
      } else await call("POST", strategies(flag), { ...rolloutStrategy(flag, percent), segments: [] });
      await call("POST", `/${encodeURIComponent(flag)}/environments/${env}/on`);
      if (guardOf(f)) await describeAs(flag, description); // a person set a percentage again: the verdict is history
    },
    // The reason goes in the feature's description (shown in Unleash's UI; `flags set` restores the route's own).
    async rollBack(flag, reason) {
      const f = await feature(flag);
      if (!f) throw new FlagsCommandError(`flag ${flag} does not exist in Unleash`, EXIT_BACKEND);
      const existing = environmentOf(f).strategies?.find((s) => s.name === "flexibleRollout");
      if (existing) {
        const { id, name, constraints, parameters, segments } = existing;
        await call("PUT", `${strategies(flag)}/${encodeURIComponent(id)}`, { name, constraints: constraints ?? [], segments: segments ?? [], parameters: { ...parameters, rollout: "0" } });
      } else await call("POST", `/${encodeURIComponent(flag)}/environments/${env}/off`); // a custom strategy has no percentage
      await describeAs(flag, `${reason} (at ${new Date().toISOString()})`);
    },
    async setEnabled(flag, enabled) {
      const f = await feature(flag);
      if (!f) throw new FlagsCommandError(`flag ${flag} does not exist in Unleash: run \`strangler flags init\` or \`set\``, EXIT_BACKEND);
      // Enabling an environment without strategies makes Unleash add a 100 % default strategy: add ours at 0 % first.
      if (enabled && !environmentOf(f).strategies?.length) await call("POST", strategies(flag), { ...rolloutStrategy(flag, 0), segments: [] });
      await call("POST", `/${encodeURIComponent(flag)}/environments/${env}/${enabled ? "on" : "off"}`);
    },
  };
}

function unleashMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; details?: { message?: string }[] };
    return body.details?.[0]?.message ?? body.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
