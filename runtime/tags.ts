// Tag templates for uncompiled use: 'user:{id}' and 'org:{user.org.id}' become a function of the
// call's arguments. Parsed by shared/template.ts, as the transform parses them at build time.

import { typeError } from './errors.js'
import { tagPart } from './key.js'
import { paramIndex } from '../shared/params.js'
import { parseTemplate } from '../shared/template.js'

export type TagsFn = (result: unknown, args: ArrayLike<unknown>) => readonly string[]

type Part = string | { index: number; path: string[] }

/** The first template naming no parameter in `params` (all of them when `params` is unknown). */
export function unresolvedTemplate(tags: readonly string[], params: readonly (string | null)[] | undefined): { tag: string; name: string } | undefined {
  for (const tag of tags) {
    for (const part of parseTemplate(tag)) {
      if (!('text' in part) && (!params || !params.includes(part.name))) return { tag, name: part.name }
    }
  }
  return undefined
}

/** Compiles tag templates against parameter names; throws a TypeError naming the unknown parameter. */
export function compileTags(fnId: string, tags: readonly string[], params: readonly (string | null)[] | undefined, rest = false): TagsFn {
  const compiled: Part[][] = tags.map((tag) => parseTemplate(tag).map((part): Part => {
    if ('text' in part) return part.text
    const index = params ? paramIndex(params, rest, part.name) : 'missing'
    if (index === 'rest') {
      throw typeError('E_OPTION', `${fnId}: tag "${tag}" names {${part.name}}, the rest parameter, which holds several arguments.`,
        'use a tags function instead: tags: (result, ...args) => args.map((a) => `item:${a}`)')
    }
    if (index === 'missing') {
      throw typeError('E_OPTION', `${fnId}: tag "${tag}" names {${part.name}}, which is not a parameter${params ? ` (parameters: ${params.filter(Boolean).join(', ') || 'none'})` : ' (the parameter names of this function could not be read)'}.`,
        'use a tags function instead: tags: (result, ...args) => [`user:${args[0]}`]')
    }
    return { index, path: part.path }
  }))
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
