import { fmt, median, type BenchSettings, type SectionResult } from "./bench-types.js";
import { type Stack, unleashEnv } from "#harness";

/** Polls `check` every 20 ms until it is true; resolves with ms since `since`. */
async function until(check: () => Promise<boolean>, since: number, what: string, timeoutMs = 15_000): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`${what} not seen after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One user's side at the proxy (X-Upstream). */
const side = async (proxyUrl: string) => {
  const res = await fetch(`${proxyUrl}/api/inventory/quantity?productId=00000000-0000-4000-8000-000000000000`, { headers: { cookie: "strangler_sid=flag-switch-probe" } });
  await res.arrayBuffer();
  return res.headers.get("x-upstream");
};

/** The rollout SDKs are served right now (Unleash client API, backend token). */
async function servedRollout(flag: string): Promise<string | undefined> {
  const u = unleashEnv();
  const res = await fetch(`${u.UNLEASH_URL}/client/features/${encodeURIComponent(flag)}`, { headers: { Authorization: u.UNLEASH_API_TOKEN! } });
  const f = (await res.json()) as { enabled?: boolean; strategies?: { parameters?: { rollout?: string } }[] };
  return f.enabled ? f.strategies?.[0]?.parameters?.rollout : undefined;
}

/**
 * Flag change → traffic moved: wall time from starting `strangler flags set inventory 100` (the real CLI, Unleash
 * Admin API) until the proxy's responses say X-Upstream: inventory — and back with `set inventory 0`. Split into
 * the CLI's own time, Unleash's client API showing the change (it serves SDKs from a revision cache), and the
 * proxy's SDK picking it up (default FLAGS_REFRESH_MS = 1 s).
 */
export async function benchFlagSwitch(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const proxy = stack.proxy!.url;
  const flags = stack.flags!;
  const flag = flags.flag("inventory");
  await flags.set("inventory", 0);
  await until(async () => (await side(proxy)) === "monolith", performance.now(), "monolith");
  const moved: number[] = [];
  const cli: number[] = [];
  const served: number[] = [];
  for (let i = 0; i < s.flagSwitches; i++) {
    for (const [pct, want] of [[100, "inventory"], [0, "monolith"]] as const) {
      const t0 = performance.now();
      const seen = until(async () => (await side(proxy)) === want, t0, `X-Upstream ${want}`);
      const atServer = until(async () => (await servedRollout(flag)) === String(pct), t0, `rollout ${pct} on the client API`);
      cli.push(await flags.set("inventory", pct));
      served.push(await atServer);
      moved.push(await seen);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  await flags.set("inventory", 50); // as the proxy section had it
  const worst = Math.max(...moved) / 1000;
  const sec = (ms: number) => fmt(ms / 1000, 2);
  return {
    rows: [
      {
        section: "Flag change → traffic moved",
        what: `\`flags set inventory 100\` → X-Upstream inventory, and \`… 0\` → monolith (${s.flagSwitches}× each): median · worst`,
        value: `${sec(median(moved))} s · ${sec(Math.max(...moved))} s — of which the CLI ${sec(median(cli))} s, Unleash client API showing it ${sec(median(served))} s after the start (median)`,
        target: "≤ 2 s",
        pass: worst <= 2,
        reproduce: "`npm run bench -- --only flags` (polls the proxy every 20 ms as one user while `node bin/strangler.js flags set inventory 100` runs)",
      },
    ],
    bars: [
      { group: "Flag change → traffic moved (s)", label: "CLI done (median)", value: Number((median(cli) / 1000).toFixed(2)), unit: "s" },
      { group: "Flag change → traffic moved (s)", label: "Unleash serves it (median)", value: Number((median(served) / 1000).toFixed(2)), unit: "s" },
      { group: "Flag change → traffic moved (s)", label: "traffic moved (median)", value: Number((median(moved) / 1000).toFixed(2)), unit: "s" },
      { group: "Flag change → traffic moved (s)", label: "traffic moved (worst)", value: Number(worst.toFixed(2)), unit: "s" },
    ],
    notes: [],
  };
}
