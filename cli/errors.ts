// The CLI's exit codes and its one error class: every failure the user can act on becomes a
// CliError with a code, a message in the package's `[E_CODE] what; why` form and an exit code.

/** Exit codes of the `fncache` command (docs/cli.md lists them). */
export const EXIT = {
  /** The command did what it was asked. */
  OK: 0,
  /** An unexpected failure (a bug, or an error the CLI does not classify). */
  INTERNAL: 1,
  /** Bad usage: unknown command or option, a missing or contradictory argument. */
  USAGE: 2,
  /** The cache cannot be reached: missing directory, bad Redis URL, server that does not answer in time. */
  UNREACHABLE: 3,
  /** The cache answered but the operation failed part-way (a command error, an I/O error). */
  FAILED: 4,
  /** `ids`: a source file does not compile, no file matched, or `--diff` was given an unreadable file. */
  SOURCE: 5,
  /** `ids --diff --exit-code`: at least one function starts afresh (changed or removed). */
  CHANGED: 6,
} as const

export class CliError extends Error {
  constructor(readonly code: string, message: string, readonly exitCode: number, readonly hint?: string) {
    super(`[${code}] ${message}`)
    this.name = 'CliError'
  }
}

export const usage = (message: string, hint?: string) => new CliError('E_USAGE', message, EXIT.USAGE, hint)

/**
 * `text` with the credentials of every URL in it replaced: `redis://user:secret@host` becomes
 * `redis://user:***@host` (a lone password, `redis://:secret@host`, too). Applied to everything the
 * CLI prints about a URL, and to every error message, so a password never reaches a terminal, a log
 * or --json output.
 */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"']*)@/gi, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return `${scheme}${colon < 0 ? '***' : `${userinfo.slice(0, colon)}:***`}@`
  })
}
