/**
 * A route's shadow flag: its routing flag + ".shadow" (strangler.inventory → strangler.inventory.shadow), a
 * flexibleRollout of its own, so `strangler flags shadow` and the Unleash UI both drive it.
 */
export const shadowFlagOf = (routeFlag: string): string => `${routeFlag}.shadow`;

/** Only reads are mirrored: a write sent to a service as a shadow would run for real (no dry-run mode yet). */
export const isShadowable = (method: string | undefined): boolean => method === "GET" || method === "HEAD";
