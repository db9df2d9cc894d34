import { statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { readFlagsFile } from "../flags-file.js";
import { FlagRepository } from "./flag.repository.js";

/**
 * The file flag source (no UNLEASH_URL): Unleash feature definitions read from the flags file (JSON), reloaded when it
 * changes. fs.watch on the directory (the file is replaced by rename, which would orphan a file watch)
 * gives near-instant pick-up; a stat poll every `pollMs` covers file systems where watch is unreliable.
 * A missing file means "no flags" (everything to the monolith); an invalid file keeps the last good flags.
 */
export class FileFlagRepository extends FlagRepository {
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private signature = "";
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly pollMs: number,
  ) {
    super();
  }

  override async start(): Promise<void> {
    this.stopped = false;
    this.reload(true);
    try {
      this.watcher = watch(path.dirname(this.file), { persistent: false }, (_event, name) => {
        if (name === null || name === path.basename(this.file)) this.scheduleReload();
      });
      this.watcher.on("error", () => this.watcher?.close()); // the poll keeps working
    } catch {
      // directory missing or watch unsupported: polling only
    }
    this.poll = setInterval(() => this.reload(false), this.pollMs);
    this.poll.unref();
  }

  override stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    super.stop();
  }

  private scheduleReload(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.reload(false), 20);
    this.debounce.unref();
  }

  private reload(initial: boolean): void {
    if (this.stopped) return;
    const signature = this.stat();
    if (!initial && signature === this.signature) return;
    this.signature = signature;
    try {
      const content = readFlagsFile(this.file);
      this.setFeatures(content?.features ?? []);
    } catch (e) {
      if (initial) this.setFeatures([]); // ready with no flags: everything to the monolith
      this.emit("warn", `flags file ignored, keeping the last good flags: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private stat(): string {
    try {
      const s = statSync(this.file, { bigint: false });
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return "missing";
    }
  }
}
