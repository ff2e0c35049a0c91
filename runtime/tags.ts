// Tag templates for uncompiled use: 'user:{id}' and 'org:{user.org.id}' become a function of the
// call's arguments. The transform compiles the same templates to code at build time.

import { typeError } from './errors.js'
import { tagPart } from './key.js'

export type TagsFn = (result: unknown, args: ArrayLike<unknown>) => readonly string[]

type Part = string | { index: number; path: string[] }

const TEMPLATE = /\{([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*)*)\}/g

/** The first template naming no parameter in `params` (all of them when `params` is unknown). */
export function unresolvedTemplate(tags: readonly string[], params: readonly (string | null)[] | undefined): { tag: string; name: string } | undefined {
  for (const tag of tags) {
    for (const m of tag.matchAll(TEMPLATE)) {
      if (!params || !params.includes(m[1]!)) return { tag, name: m[1]! }
    }
  }
  return undefined
}

/** Compiles tag templates against parameter names; throws a TypeError naming the unknown parameter. */
export function compileTags(fnId: string, tags: readonly string[], params: readonly (string | null)[] | undefined): TagsFn {
  const compiled: Part[][] = tags.map((tag) => {
    const parts: Part[] = []
    let last = 0
    for (const m of tag.matchAll(TEMPLATE)) {
      const name = m[1]!
      const index = params ? params.indexOf(name) : -1
      if (index === -1) {
        throw typeError('E_OPTION', `${fnId}: tag "${tag}" names {${name}}, which is not a parameter${params ? ` (parameters: ${params.filter(Boolean).join(', ') || 'none'})` : ' (the parameter names of this function could not be read)'}.`,
          'use a tags function instead: tags: (result, ...args) => [`user:${args[0]}`]')
      }
      if (m.index! > last) parts.push(tag.slice(last, m.index))
      parts.push({ index, path: m[2] ? m[2].slice(1).split('.') : [] })
      last = m.index! + m[0].length
    }
    if (last < tag.length) parts.push(tag.slice(last))
    return parts
  })
  if (compiled.every((parts) => parts.every((p) => typeof p === 'string'))) {
    const fixed = tags.slice()
    return () => fixed
  }
  return (_result, args) => compiled.map((parts) => {
    let out = ''
    for (const p of parts) {
      if (typeof p === 'string') { out += p; continue }
      let v: unknown = args[p.index]
      for (const k of p.path) v = v == null ? undefined : (v as Record<string, unknown>)[k]
      out += tagPart(v)
    }
    return out
  })
}
