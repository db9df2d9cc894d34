/** True when `e` is a PostgreSQL unique violation (23505), optionally of `constraint`, as surfaced by Prisma's driver adapters. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; message?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  const text = `${err?.message ?? ""} ${JSON.stringify(err?.meta ?? {})}`;
  const unique =
    err?.code === "P2002" || err?.meta?.code === "23505" || err?.meta?.driverAdapterError?.cause?.originalCode === "23505" || /23505|unique constraint/i.test(text);
  return unique && (!constraint || text.includes(constraint));
}
