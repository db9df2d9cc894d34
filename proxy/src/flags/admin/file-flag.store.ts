import { existsSync } from "node:fs";
import type { RouteDefinition } from "../../config/routes-file.js";
import { EXIT_BACKEND, FlagsCommandError, type FlagStore } from "./flag-store.js";
import type { GuardRecord } from "./guard-record.js";
import { readFlagsFile, rolloutStrategy, summarizeFlag, writeFlagsFile, type FlagFeature, type FlagsFileContent } from "../flags-file.js";

/** Creates the flags file with every route's flag (off, 0 %) if it does not exist yet. */
export function ensureFlagsFile(file: string, routes: readonly RouteDefinition[]): void {
  if (existsSync(file)) return;
  const features = [...new Map(routes.map((r) => [r.flag, newFeature(r.flag, `Strangler routing for ${r.prefix} (${r.module})`)])).values()];
  writeFlagsFile(file, { version: 2, features });
}

/** The file-mode store: edits the flags file the running proxy watches (picked up within ~1 s). */
export function createFileFlagStore(file: string): FlagStore {
  const load = (): FlagsFileContent => {
    try {
      return readFlagsFile(file) ?? { version: 2, features: [] };
    } catch (e) {
      throw new FlagsCommandError(`cannot use the flags file: ${e instanceof Error ? e.message : String(e)}`, EXIT_BACKEND);
    }
  };
  const update = (flag: string, description: string, change: (f: FlagFeature) => void): void => {
    const content = load();
    let feature = content.features.find((f) => f.name === flag);
    if (!feature) content.features.push((feature = newFeature(flag, description)));
    change(feature);
    writeFlagsFile(file, content);
  };
  return {
    where: `the flags file ${file}`,
    get: async (flag) => {
      const feature = load().features.find((f) => f.name === flag);
      return { ...summarizeFlag(feature), guard: (feature?.guard as GuardRecord | undefined)?.reason ?? null };
    },
    ensure: async (flag, description) => {
      if (load().features.some((f) => f.name === flag)) return false;
      update(flag, description, () => undefined);
      return true;
    },
    setRollout: async (flag, percent, description) =>
      update(flag, description, (f) => {
        const strategy = f.strategies.find((s) => s.name === "flexibleRollout");
        if (strategy) strategy.parameters = { ...rolloutStrategy(flag, percent).parameters, ...pick(strategy.parameters), rollout: String(percent) };
        else f.strategies.push(rolloutStrategy(flag, percent));
        f.enabled = true;
        delete f.guard; // a person set a percentage again: the guard's verdict is history
      }),
    rollBack: async (flag, reason) =>
      update(flag, "", (f) => {
        const strategy = f.strategies.find((s) => s.name === "flexibleRollout");
        if (strategy) strategy.parameters = { ...strategy.parameters, rollout: "0" };
        else f.enabled = false; // a custom strategy has no percentage: off is its 0 %
        f.guard = { reason, trippedAt: new Date().toISOString() } satisfies GuardRecord;
      }),
    setEnabled: async (flag, enabled) => {
      if (!load().features.some((f) => f.name === flag)) throw new FlagsCommandError(`flag ${flag} does not exist yet: run \`strangler flags init\` or \`set\``, EXIT_BACKEND);
      update(flag, "", (f) => {
        f.enabled = enabled;
      });
    },
  };
}

function newFeature(flag: string, description: string): FlagFeature {
  return { name: flag, type: "release", description, enabled: false, strategies: [rolloutStrategy(flag, 0)] };
}

/** Keeps an operator's stickiness/groupId choices when only the percentage changes. */
function pick(parameters: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  if (parameters?.stickiness) kept.stickiness = parameters.stickiness;
  if (parameters?.groupId) kept.groupId = parameters.groupId;
  return kept;
}
