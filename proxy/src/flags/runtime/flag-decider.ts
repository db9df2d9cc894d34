import type { Unleash } from "unleash-client";

/** What the decision needs from the flag source (a live Unleash SDK instance). */
export interface FlagEvaluator {
  readonly unleash: Unleash;
  isReady(): boolean;
}

/** Users remembered per flag before the memo starts over (bounds memory when every visitor is new). */
const MEMO_USERS_PER_FLAG = 50_000;

type FlagDefinition = NonNullable<ReturnType<Unleash["getFeatureToggleDefinition"]>>;

/**
 * Decides, per request, whether a route's extracted service answers: the route's flag evaluated by the
 * Unleash SDK for this user. flexibleRollout hashes `groupId:userId` (murmur3, normalised to 1–100) and
 * enables when the bucket ≤ rollout — so a user's side is stable while X holds, and raising X only moves
 * users from the monolith to the service. Flag off, missing, or flags not loaded → monolith (false).
 * The identity is passed as both userId and sessionId so flags created with either stickiness work.
 *
 * A routed request asks about every route's flag (its own, and the X-Strangler-Extracted hint), so answers are
 * memoised per (flag, user) for as long as the SDK holds the same definition of that flag (its revision: a fetch
 * that changes the flag replaces the object). Only flags whose answer depends on nothing but the user are memoised
 * (deterministic strategies, constraints on the identity only, no segments or parent flags); the SDK still counts
 * every evaluation (unleash.count) for Unleash's usage metrics.
 * @example const toService = createFlagDecider(flags); toService("strangler.inventory", "user-42");
 */
export function createFlagDecider(flags: FlagEvaluator): (flag: string, userId: string) => boolean {
  const unleash = flags.unleash;
  const memos = new Map<string, { definition: FlagDefinition | undefined; byUser: Map<string, boolean> | undefined }>();
  const evaluate = (flag: string, userId: string): boolean => unleash.isEnabled(flag, { userId, sessionId: userId }, false);
  return (flag, userId) => {
    if (!flags.isReady()) return false;
    const definition = unleash.getFeatureToggleDefinition(flag);
    let memo = memos.get(flag);
    if (memo === undefined || memo.definition !== definition) memos.set(flag, (memo = { definition, byUser: dependsOnUserOnly(definition) ? new Map() : undefined }));
    const byUser = memo.byUser;
    if (byUser === undefined) return evaluate(flag, userId);
    const known = byUser.get(userId);
    if (known !== undefined) {
      unleash.count(flag, known);
      return known;
    }
    const answer = evaluate(flag, userId);
    if (byUser.size >= MEMO_USERS_PER_FLAG) byUser.clear();
    byUser.set(userId, answer);
    return answer;
  };
}

const IDENTITY_FIELDS = new Set(["userId", "sessionId", "appName", "environment"]);

/** True when the SDK's answer for this definition is a function of the user id alone (what the memo may keep). */
function dependsOnUserOnly(definition: FlagDefinition | undefined): boolean {
  if (definition === undefined) return true; // missing: always false
  const d = definition as unknown as { dependencies?: unknown[]; strategies?: Array<{ name: string; parameters?: Record<string, unknown>; constraints?: Array<{ contextName: string }>; segments?: unknown[] }> };
  if (d.dependencies?.length) return false;
  return (d.strategies ?? []).every(
    (s) =>
      (s.name === "default" || s.name === "userWithId" || (s.name === "flexibleRollout" && s.parameters?.["stickiness"] !== "random")) &&
      !s.segments?.length &&
      (s.constraints ?? []).every((c) => IDENTITY_FIELDS.has(c.contextName)),
  );
}
