// Duration parsing, the one parser for the runtime (uncompiled use, configure()) and core/
// (build-time checks), so a string means the same thing whichever side reads it.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)$/

/**
 * Parses `'250ms'`, `'30s'`, `'5m'`, `'1.5h'`, `'1d'`, `'2w'` (or a number of milliseconds, or
 * `Infinity`: never) into milliseconds. Returns `undefined` when the input is not a valid duration; callers own the message.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') {
    if (input === Infinity) return Infinity
    return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined
  }
  if (typeof input !== 'string') return undefined
  const m = DURATION.exec(input.trim())
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : undefined
}

export const DURATION_HINT = "a number of milliseconds or a string like '250ms', '30s', '5m', '1h', '1d'"
