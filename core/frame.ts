// The code frame under a build error, printed from a Loc: exactly what Babel's
// `file.buildCodeFrameError` prints without colour (@babel/code-frame's `codeFrameColumns`), so
// the SWC transform's error text equals the Babel macro's, frame included.
import type { Loc } from './types.js'
import type { TransformError } from './errors.js'

const NEWLINE = /\r\n|[\n\r\u2028\u2029]/
const LINES_ABOVE = 2
const LINES_BELOW = 3

/**
 * The frame: two lines above, three below, `>` on the error's line and carets under it (under its
 * first character only when the Loc spans several lines, as Babel does).
 */
export function codeFrame(code: string, loc: Loc): string {
  const lines = code.split(NEWLINE)
  const line = loc.line
  const column = loc.column + 1
  // Babel passes an end only when the range sits on one line.
  const endColumn = loc.end.line === loc.line ? loc.end.column + 1 : column
  const start = Math.max(line - (LINES_ABOVE + 1), 0)
  const end = Math.min(lines.length, line + LINES_BELOW)
  const width = String(end).length
  const out: string[] = []
  for (let number = start + 1; number <= end; number++) {
    const text = lines[number - 1]!
    const gutter = ` ${` ${number}`.slice(-width)} |`
    const body = text.length > 0 ? ` ${text}` : ''
    if (number !== line) { out.push(` ${gutter}${body}`); continue }
    const spacing = text.slice(0, Math.max(column - 1, 0)).replace(/[^\t]/g, ' ')
    const carets = '^'.repeat(endColumn - column || 1)
    out.push(`>${gutter}${body}\n ${gutter.replace(/\d/g, ' ')} ${spacing}${carets}`)
  }
  return out.join('\n')
}

/** The full message of a build error: `<file>: [E_CODE] ...`, then the frame when it has a Loc. */
export function formatError(error: TransformError, code: string, filename: string | null | undefined): string {
  const head = `${filename ?? 'unknown file'}: ${error.text}`
  return error.loc ? `${head}\n${codeFrame(code, error.loc)}` : head
}
