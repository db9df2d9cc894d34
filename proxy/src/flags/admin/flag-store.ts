import type { FlagSummary } from "../flags-file.js";

/**
 * Where `strangler flags` reads and changes route flags: the Unleash Admin API, or the flags file
 * when UNLEASH_URL is unset. Both keep one flexibleRollout strategy per flag (groupId = flag name).
 */
export interface FlagStore {
  /** Human description of the backend, printed by `list`. */
  readonly where: string;
  get(flag: string): Promise<StoredFlag>;
  /** Creates the flag (disabled, flexibleRollout at 0 %) when missing; true if it was created. */
  ensure(flag: string, description: string): Promise<boolean>;
  /** Creates the flag if needed, sets its rollout and enables it. */
  setRollout(flag: string, percent: number, description: string): Promise<void>;
  setEnabled(flag: string, enabled: boolean): Promise<void>;
  /** The route guard's rollback: the flag's rollout to 0 % with the reason recorded beside it (cleared by setRollout). */
  rollBack(flag: string, reason: string): Promise<void>;
}

/** A flag as a store holds it: its summary and the guard's last verdict, if it rolled the route back. */
export type StoredFlag = FlagSummary & { readonly guard: string | null };

/** The mark the guard's reason carries in the flag store (Unleash: the feature's description). */
export const GUARD_MARK = "guard rolled back";

/** A failure with a message meant for the person at the terminal and the exit code to return. */
export class FlagsCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "FlagsCommandError";
  }
}

/** Exit codes of `strangler flags`: 0 done, 1 the flag backend failed (unreachable, rejected), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_BACKEND = 1;
export const EXIT_USAGE = 2;
