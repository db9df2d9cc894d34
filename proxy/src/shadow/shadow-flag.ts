/**
 * A route's shadow flag: its routing flag + ".shadow" (strangler.inventory → strangler.inventory.shadow), a
 * flexibleRollout of its own, so `strangler flags shadow` and the Unleash UI both drive it.
 */
export const shadowFlagOf = (routeFlag: string): string => `${routeFlag}.shadow`;

/** Reads are always mirrored. */
export const isRead = (method: string | undefined): boolean => method === "GET" || method === "HEAD";

/**
 * Writes are mirrored only when they can be signed (SHADOW_SECRET): a signed write runs dry on the service (one
 * rolled-back transaction); an unsigned one would run for real. DELETE is never mirrored (no dry run promised for it).
 */
export const isMirroredWrite = (method: string | undefined): boolean => method === "POST" || method === "PUT" || method === "PATCH";
