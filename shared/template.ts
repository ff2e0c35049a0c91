// Tag templates (`'user:{id}'`, `'org:{user.org.id}'`), parsed by this one module for the
// transform (compiled to code at build time, core/plan.ts) and the runtime (uncompiled use,
// runtime/tags.ts). Pure: no imports, no node: APIs.

/** A piece of a tag: literal text, or a parameter (by name) and a property path into it. */
export type TemplatePart = { text: string } | { name: string; path: string[]; written: string }

const TEMPLATE = /\{([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*)*)\}/g

/** The parts of `tag`, in order; a tag without `{...}` is one text part (or none when empty). */
export function parseTemplate(tag: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let last = 0
  for (const m of tag.matchAll(TEMPLATE)) {
    if (m.index! > last) parts.push({ text: tag.slice(last, m.index) })
    parts.push({ name: m[1]!, path: m[2] ? m[2].slice(1).split('.') : [], written: m[1]! + m[2]! })
    last = m.index! + m[0].length
  }
  if (last < tag.length) parts.push({ text: tag.slice(last) })
  return parts
}

