/** What the flags file keeps next to a flag the route guard rolled back (the field `guard`). */
export interface GuardRecord {
  readonly reason: string;
  readonly trippedAt: string;
}
