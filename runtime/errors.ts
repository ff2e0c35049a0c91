// Error classes with stable codes, and warn-once reporting. Messages follow
// "[E_CODE] what was expected; what was received." with an optional "Try:" line.

export class FncacheError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options)
    this.code = code
    this.name = 'FncacheError'
  }
}

/** A backend failed (down, slow, refused); the call was served without it. */
export class BackendError extends FncacheError {
  static readonly code = 'E_BACKEND_UNAVAILABLE'
  readonly backend: string
  constructor(backend: string, operation: string, cause: unknown) {
    super(BackendError.code, `backend "${backend}" failed during ${operation}; the call was served without the cache.`, { cause })
    this.name = 'BackendError'
    this.backend = backend
  }
}

/** A TypeError carrying a code, for bad options and bad arguments. */
export function typeError(code: string, message: string, tryLine?: string): TypeError & { code: string } {
  const err = new TypeError(`[${code}] ${message}${tryLine ? `\n  Try: ${tryLine}` : ''}`) as TypeError & { code: string }
  err.code = code
  return err
}

export const errors = {
  E_OPTION: 'E_OPTION',
  E_KEY_UNENCODABLE: 'E_KEY_UNENCODABLE',
  E_SYNC_ON_ASYNC_BACKEND: 'E_SYNC_ON_ASYNC_BACKEND',
  E_UNKNOWN_BACKEND: 'E_UNKNOWN_BACKEND',
  E_BACKEND_INVALID: 'E_BACKEND_INVALID',
  E_BACKEND_UNAVAILABLE: 'E_BACKEND_UNAVAILABLE',
  E_NOT_A_FUNCTION: 'E_NOT_A_FUNCTION',
  E_NO_BYTE_PATH: 'E_NO_BYTE_PATH',
} as const

/** Describes a received value for messages: `"5m"`, `-1`, `an object`, `a function`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`
}

const warned = new Set<string>()

/** Emits a process warning once per `code + key`, so a hot failure does not flood logs. */
export function warnOnce(code: string, key: string, message: string): void {
  const id = code + '\0' + key
  if (warned.has(id)) return
  warned.add(id)
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process
  if (proc?.emitWarning) proc.emitWarning(message, { type: 'FncacheWarning', code } as object)
  else console.warn(`(fncache) ${code}: ${message}`)
}

/** @internal test helper: forget which warnings were emitted. */
export function resetWarnings(): void {
  warned.clear()
}
