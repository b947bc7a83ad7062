const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a caller-supplied id can name a row (every id in the platform is a UUID). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The ids worth querying: one that is not a UUID names no row, and left in a batched `IN (…)` it would
 * fail the uuid cast for the whole batch. Callers map the missing ones to null as usual.
 */
export function uuidsOnly(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}
