import { mkdirSync } from "node:fs";
import { Unleash, UnleashEvents, type UnleashConfig } from "unleash-client";
import type { Logger } from "../../../../src/platform/logger/logger.js";
import type { FlagsConfig } from "../../config/proxy.config.js";
import { summarizeFlag, type FlagStrategy, type FlagSummary } from "../flags-file.js";
import { FileFlagRepository } from "./file-flag.repository.js";

export interface FlagSourceStatus {
  readonly mode: FlagsConfig["mode"];
  readonly source: string;
  /** Flags are known (fetched, from the backup file, or from the flags file). Not ready → everything to the monolith. */
  readonly ready: boolean;
  readonly lastChangeAt?: string;
  readonly lastError?: string;
  readonly lastErrorAt?: string;
}

/** The proxy's view of the flags: evaluation for the hot path, summaries for the status page. */
export interface FlagSource {
  readonly unleash: Unleash;
  isReady(): boolean;
  summary(flag: string): FlagSummary;
  status(): FlagSourceStatus;
  close(): void;
}

/**
 * Starts unleash-client against the Unleash server (UNLEASH_URL) with a backup file in DATA_DIR, or, without
 * UNLEASH_URL, against the flags file through FileFlagRepository — the same SDK and strategies
 * either way. Waits at most `startupWaitMs` for the first flags; never throws on Unleash being down.
 */
export async function createFlagSource(config: FlagsConfig, logger: Logger, startupWaitMs = 2_000): Promise<FlagSource> {
  const fromFile = config.mode === "file";
  const common = {
    appName: config.appName,
    environment: config.environment,
    refreshInterval: config.refreshMs,
    timeout: config.timeoutMs,
    skipInstanceCountWarning: true,
    disableAutoStart: true,
  } satisfies Partial<UnleashConfig>;
  let unleash: Unleash;
  if (fromFile) {
    const repository = new FileFlagRepository(config.flagsFile, config.refreshMs);
    unleash = new Unleash({ ...common, url: "http://flags-file.invalid/api/", repository, disableMetrics: true });
  } else {
    mkdirSync(config.backupDir, { recursive: true });
    unleash = new Unleash({
      ...common,
      url: config.unleashUrl!,
      projectName: config.project,
      customHeaders: { Authorization: config.apiToken! },
      backupPath: config.backupDir,
      disableMetrics: config.metricsIntervalMs === 0,
      metricsInterval: config.metricsIntervalMs || undefined,
    });
  }

  let ready = false;
  let failing = false;
  let lastChangeAt: string | undefined;
  let lastError: string | undefined;
  let lastErrorAt: string | undefined;
  const log = logger.child({ component: "flags", mode: config.mode });
  unleash.on(UnleashEvents.Ready, () => {
    ready = true;
  });
  unleash.on(UnleashEvents.Changed, () => {
    lastChangeAt = new Date().toISOString();
    if (failing) log.info("flags source recovered");
    failing = false;
  });
  unleash.on(UnleashEvents.Unchanged, () => {
    if (failing) log.info("flags source recovered");
    failing = false;
  });
  // Unleash being down is an operational condition, not a crash: keep routing on the last known flags.
  unleash.on(UnleashEvents.Error, (e: unknown) => {
    lastError = e instanceof Error ? e.message : String(e);
    lastErrorAt = new Date().toISOString();
    if (!failing) log.warn("flags source error; routing continues on the last known flags", { error: lastError });
    failing = true;
  });
  unleash.on(UnleashEvents.Warn, (w: unknown) => log.debug("unleash warning", { warning: String(w) }));

  // Wait for the first flags, but not for long: Unleash may be down (then: backup file, or the monolith).
  const readyEvent = new Promise<void>((resolve) => unleash.once(UnleashEvents.Ready, () => setImmediate(resolve)));
  const started = unleash
    .start()
    .catch((e: unknown) => log.warn("flags source failed to start", { error: String(e) }))
    .then(() => new Promise((r) => setTimeout(r, 100)));
  await Promise.race([readyEvent, started, new Promise((r) => setTimeout(r, startupWaitMs).unref())]);
  if (!ready) log.warn("no flags yet (Unleash unreachable and no backup?): every route goes to the monolith until they arrive");
  else log.info("flags loaded", { source: fromFile ? config.flagsFile : config.unleashUrl });

  return {
    unleash,
    isReady: () => ready,
    summary: (flag) => {
      const def = ready ? unleash.getFeatureToggleDefinition(flag) : undefined;
      return summarizeFlag(def && { enabled: def.enabled, strategies: def.strategies as unknown as FlagStrategy[] });
    },
    status: () => ({ mode: config.mode, source: fromFile ? config.flagsFile : config.unleashUrl!, ready, lastChangeAt, lastError, lastErrorAt }),
    close: () => destroyQuietly(unleash),
  };
}

/**
 * destroy() stops the repository and removes all its listeners, but an in-flight fetch can still fail
 * afterwards and the fetcher forwards that to repository.emit("error") — with no listener left, Node
 * throws (an unhandled rejection from the fetch timer). Re-attach a no-op listener after destroying.
 */
export function destroyQuietly(unleash: Unleash): void {
  unleash.destroy();
  const internals = unleash as unknown as { repository?: { on?: (e: string, f: () => void) => void } };
  internals.repository?.on?.("error", () => undefined);
  unleash.on("error", () => undefined);
}
