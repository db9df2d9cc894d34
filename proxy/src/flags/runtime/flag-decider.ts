import type { Unleash } from "unleash-client";

/** What the decision needs from the flag source (a live Unleash SDK instance). */
export interface FlagEvaluator {
  readonly unleash: Unleash;
  isReady(): boolean;
}

/**
 * Decides, per request, whether a route's extracted service answers: the route's flag evaluated by the
 * Unleash SDK for this user. flexibleRollout hashes `groupId:userId` (murmur3, normalised to 1–100) and
 * enables when the bucket ≤ rollout — so a user's side is stable while X holds, and raising X only moves
 * users from the monolith to the service. Flag off, missing, or flags not loaded → monolith (false).
 * The identity is passed as both userId and sessionId so flags created with either stickiness work.
 * @example const toService = createFlagDecider(flags); toService("strangler.inventory", "user-42");
 */
export function createFlagDecider(flags: FlagEvaluator): (flag: string, userId: string) => boolean {
  const unleash = flags.unleash;
  return (flag, userId) => flags.isReady() && unleash.isEnabled(flag, { userId, sessionId: userId }, false);
}
