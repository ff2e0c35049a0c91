// Soft invalidation in the call path: what happens to a result whose computation an invalidation
// overtook. A hard one drops it (read-your-writes); a soft one stores it stale, so the next reader
// inside the stale-while-revalidate window is served at once and one refresh runs. Functions
// without that window treat soft as hard: their callers would wait for a refresh anyway, and
// must not receive a value that predates the invalidation.

/** The result is stored as computed. */
export const KEEP = 0
/** The result is stored already stale (fresh until now). */
export const STALE = 1
/** The result is not stored. */
export const DROP = 2
export type Fate = typeof KEEP | typeof STALE | typeof DROP

/** `overtaken`: what invalidatedSince() said of the result; `swr`: the function's staleWhileRevalidate (ms). */
export function fateOf(swr: number, overtaken: boolean | 'soft'): Fate {
  if (overtaken === false) return KEEP
  return overtaken === 'soft' && swr > 0 ? STALE : DROP
}

/** Whether a soft invalidation leaves a function's calls in flight shared by later callers (see FnContext.detach). */
export function keepsFlights(soft: boolean | undefined, swr: number): boolean {
  return soft === true && swr > 0
}
