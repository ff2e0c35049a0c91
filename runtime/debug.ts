// NODE_DEBUG=fncache logging of hits, misses, stores and invalidations, in node's debuglog format
// ("FNCACHE <pid>: ..."). Read once at load: when off, nothing is installed on the hit path.

const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; pid?: number; stderr?: { write(s: string): unknown } } }).process

function enabled(flags: string): boolean {
  return flags.split(/[\s,]+/).some((f) => f !== '' && new RegExp('^' + f.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$', 'i').test('fncache'))
}

/** Whether NODE_DEBUG names fncache (`fncache`, `fncache*`, `*`...). */
export const DEBUG: boolean = enabled(proc?.env?.NODE_DEBUG ?? '')

/** Keys longer than this are shown by length only: logs should not carry large user data. */
const MAX_SHOWN = 80

/** Logs one event: `hit src/users.ts#getUser src/users.ts#getUser:"42"`. */
export function debugLog(event: string, fnId: string, key?: string): void {
  const shown = key === undefined ? '' : key.length <= MAX_SHOWN ? ` ${key}` : ` (a key of ${key.length} chars)`
  const line = `FNCACHE ${proc?.pid ?? 0}: ${event} ${fnId}${shown}\n`
  if (proc?.stderr) proc.stderr.write(line)
  else console.error(line.trimEnd())
}

/** @internal for tests: whether a NODE_DEBUG value turns logging on. */
export const debugEnabledFor = enabled
