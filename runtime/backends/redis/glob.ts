// SCAN MATCH patterns: a literal prefix with its glob characters escaped, then `*`.

/** Escapes `*`, `?`, `[`, `]` and `\` so Redis' glob matcher treats them literally. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&')
}

/** The SCAN MATCH pattern of every key that starts with `prefix`. */
export const prefixPattern = (prefix: string) => escapeGlob(prefix) + '*'
