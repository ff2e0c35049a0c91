// The code frame under a build error, printed from a Loc with @babel/code-frame's
// `codeFrameColumns`, called exactly as Babel's `file.buildCodeFrameError` calls it (without
// colour), so the SWC transform's error text equals the Babel macro's, frame included.
// @babel/code-frame is a standalone formatter (no parser, no AST): a runtime dependency of the SWC
// path, which must work where Babel itself is not installed.
import { codeFrameColumns } from '@babel/code-frame'
import type { Loc } from './types.js'
import type { TransformError } from './errors.js'

/** Two lines above, three below, `>` on the error's line and carets under the Loc. */
export function codeFrame(code: string, loc: Loc): string {
  // Babel passes an end only when the range sits on one line (columns are 1-based there).
  const end = loc.end.line === loc.line ? { line: loc.end.line, column: loc.end.column + 1 } : undefined
  return codeFrameColumns(code, { start: { line: loc.line, column: loc.column + 1 }, end }, { highlightCode: false })
}

/** The full message of a build error: `<file>: [E_CODE] ...`, then the frame when it has a Loc. */
export function formatError(error: TransformError, code: string, filename: string | null | undefined): string {
  const head = `${filename ?? 'unknown file'}: ${error.text}`
  return error.loc ? `${head}\n${codeFrame(code, error.loc)}` : head
}
