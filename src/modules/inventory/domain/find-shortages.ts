/** Items whose requested quantity exceeds what is available (unknown products count as 0). Pure. */
export function findShortages(
  items: { productId: string; quantity: number }[],
  available: ReadonlyMap<string, number>,
): { productId: string; requested: number; available: number }[] {
  return items
    .map((i) => ({ productId: i.productId, requested: i.quantity, available: available.get(i.productId) ?? 0 }))
    .filter((s) => s.available < s.requested);
}
