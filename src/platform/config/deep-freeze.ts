/** Freezes an object graph, so a validated config cannot be changed after start-up. */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") for (const value of Object.values(o)) deepFreeze(value);
  return Object.freeze(o);
}
