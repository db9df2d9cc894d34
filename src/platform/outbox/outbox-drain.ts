import type { OutboxBatch } from "./outbox-batch.js";

export interface ClaimSizing {
  /** The first claim's size, and the floor it shrinks back to. */
  min: number;
  /** The largest claim (one send per topic carries it all). */
  max: number;
}

/**
 * The next claim's size from how the last one came back: a full claim means more rows are waiting, so it doubles
 * (up to `max`); one that came back mostly empty halves (down to `min`), so a quiet outbox is claimed in small, quick
 * sends again. Anything between keeps the size: a steady backlog keeps a steady claim.
 */
export function nextClaimSize(size: number, claimed: number, s: ClaimSizing): number {
  if (claimed >= size) return Math.min(size * 2, s.max);
  if (claimed <= size / 4) return Math.max(Math.floor(size / 2), s.min);
  return size;
}

/**
 * Drains the outbox until a claim comes back empty, with claims sized to the backlog (nextClaimSize) and no sleep
 * between them. Marking a claim sent overlaps with claiming and publishing the next one. That is safe for order:
 * until a row is marked, the claim skips every later row of its key, so the next claim never holds a successor of a
 * row still being marked; and the rows being marked stay leased to this instance, so no claim takes them again. A
 * claim's ids are marked after the previous claim's, and a failed mark surfaces before the next mark (then the rows'
 * leases run out and they go out again: at-least-once, the consumers' inbox drops the copy).
 * Returns how many rows it claimed; `keepGoing()` false ends it after the claim in hand (the relay stopping).
 */
export function createOutboxDrain(batch: OutboxBatch, sizing: ClaimSizing, keepGoing: () => boolean) {
  let size = sizing.min;
  return async function drain(): Promise<number> {
    let marking: Promise<unknown> | undefined;
    let claimed = 0;
    try {
      while (keepGoing()) {
        let rows = await batch.claim(size);
        if (!rows.length && marking) {
          // The rows still being marked may hold back later rows of their keys: look again once they are marked.
          await marking;
          marking = undefined;
          rows = await batch.claim(size);
        }
        size = nextClaimSize(size, rows.length, sizing);
        if (!rows.length) break;
        claimed += rows.length;
        const acked = await batch.publishClaim(rows);
        await marking;
        marking = batch.markSent(acked);
        // Handled here so a failure while the next claim is under way is not an unhandled rejection; awaiting
        // `marking` below still throws it.
        marking.catch(() => undefined);
      }
      await marking;
    } catch (e) {
      await marking?.catch(() => undefined); // the first error is the one reported; the mark's own is retried by lease
      throw e;
    }
    return claimed;
  };
}
