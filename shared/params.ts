// Parameter lists: reading one from a function's source (uncompiled use of name-based options,
// `key: ['id']`, `'user:{id}'` tags; compiled code passes `params` and never reaches it), and the
// one rule for addressing a parameter by name, shared by core/ (build time) and runtime/.

export interface ParamList {
  /** Names by position; null where the parameter is destructured. */
  names: (string | null)[]
  /** True when the last parameter is a rest parameter. */
  rest: boolean
}

/** Best-effort parse of a function's parameter list; undefined when it cannot be read. */
export function readParams(fn: Function): ParamList | undefined {
  let src: string
  try {
    src = Function.prototype.toString.call(fn)
  } catch {
    return undefined
  }
  src = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '')
  let list: string
  const open = src.indexOf('(')
  const arrow = src.indexOf('=>')
  if (arrow !== -1 && (open === -1 || arrow < open)) {
    // `x => ...` or `async x => ...`
    list = src.slice(0, arrow).replace(/^\s*async\s+/, '').trim()
  } else {
    if (open === -1) return undefined
    let depth = 0
    let end = -1
    for (let i = open; i < src.length; i++) {
      const ch = src[i]
      if (ch === '(' || ch === '[' || ch === '{') depth++
      else if (ch === ')' || ch === ']' || ch === '}') {
        if (--depth === 0) { end = i; break }
      } else if (ch === '"' || ch === "'" || ch === '`') return undefined // defaults with strings: give up rather than guess
    }
    if (end === -1) return undefined
    list = src.slice(open + 1, end)
  }
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of list) {
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    if (ch === ',' && depth === 0) { parts.push(cur); cur = '' } else cur += ch
  }
  if (cur.trim() !== '') parts.push(cur)
  const names: (string | null)[] = []
  let rest = false
  for (const raw of parts) {
    let p = raw.trim()
    if (p.startsWith('...')) { rest = true; p = p.slice(3).trim() }
    const eq = p.indexOf('=')
    if (eq !== -1) p = p.slice(0, eq).trim()
    names.push(/^[A-Za-z_$][\w$]*$/.test(p) ? p : null)
  }
  return { names, rest }
}

/** Why a name cannot address a parameter: none has it, or it is the rest parameter. */
export type ParamMiss = 'missing' | 'rest'

/**
 * The index of the parameter `name` in `names` (null: destructured), or why it cannot be
 * addressed. A rest parameter holds several arguments, so it has no single value to key or tag by.
 */
export function paramIndex(names: readonly (string | null)[], rest: boolean, name: string): number | ParamMiss {
  const index = names.indexOf(name)
  if (index < 0) return 'missing'
  if (rest && index === names.length - 1) return 'rest'
  return index
}
