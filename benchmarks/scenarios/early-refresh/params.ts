// Shared by scenario 15 and its child processes.
export const PROCS = 4
export const KEYS = 1_000
export const TTL_MS = 2_500
/** The cached function's own run time: a slow query. */
export const COST_MS = 200
/** Concurrent reader loops per process. */
export const READERS = 16
/** How long readers go on past the expiry. */
export const AFTER_MS = 800
