// The options argument as written (OptionsSite): each property's name and literal value, or what
// it is instead; the properties' handles are kept for code the emitters pass through.
import { keyName, TRANSPARENT, type SyntaxView } from './syntax-view.js'
import type { OptionSite, OptionsSite, ValueSite } from './types.js'


export function optionsSite<N>(view: SyntaxView<N>, arg: N, values: Map<string, N>): OptionsSite {
  const p = unwrap(view, arg)
  if (view.type(p) !== 'ObjectExpression') return { kind: 'other', nodeType: view.type(p), loc: view.loc(p) }
  const properties = (view.children(p, 'properties') as N[]).map((prop): OptionSite => {
    const loc = view.loc(prop)
    const t = view.type(prop)
    if (t === 'SpreadElement') return { kind: 'spread', loc }
    const name = keyName(view, prop)
    const key = view.child(prop, 'key')
    if (name === null || key === null) return { kind: 'computed', loc }
    values.set(name, prop)
    let value: ValueSite
    if (t === 'ObjectMethod') value = view.attr(prop, 'kind') === 'method' ? { kind: 'function', loc } : { kind: 'other', nodeType: 'ObjectMethod', loc }
    else {
      const v = view.child(prop, 'value')
      value = v === null ? { kind: 'other', nodeType: t, loc } : valueSite(view, v)
    }
    return { kind: 'property', name, keyLoc: view.loc(key), value, loc }
  })
  return { kind: 'object', properties, loc: view.loc(p) }
}

function unwrap<N>(view: SyntaxView<N>, n: N): N {
  let p = n
  while (TRANSPARENT.has(view.type(p))) {
    const inner = view.child(p, 'expression')
    if (inner === null) break
    p = inner
  }
  return p
}

/** A literal option value as written, or what it is instead. */
function valueSite<N>(view: SyntaxView<N>, raw: N): ValueSite {
  const n = unwrap(view, raw)
  const loc = view.loc(n)
  const t = view.type(n)
  switch (t) {
    case 'StringLiteral': return { kind: 'string', value: String(view.value(n)), loc }
    case 'NumericLiteral': return { kind: 'number', value: Number(view.value(n)), loc }
    case 'BooleanLiteral': return { kind: 'boolean', value: !!view.value(n), loc }
    case 'NullLiteral': return { kind: 'null', loc }
    case 'TemplateLiteral':
      if (view.children(n, 'expressions').length === 0) {
        const quasi = view.children(n, 'quasis')[0]
        return { kind: 'string', value: quasi ? String(view.value(quasi) ?? '') : '', loc }
      }
      break
    case 'UnaryExpression': {
      const arg = view.child(n, 'argument')
      if (view.attr(n, 'operator') === '-' && arg !== null && view.type(arg) === 'NumericLiteral') return { kind: 'number', value: -Number(view.value(arg)), loc }
      break
    }
    case 'ArrayExpression':
      return { kind: 'array', items: view.children(n, 'elements').map((e) => (e === null ? { kind: 'other', nodeType: 'hole', loc } : valueSite(view, e))), loc }
    case 'ArrowFunctionExpression': case 'FunctionExpression': return { kind: 'function', loc }
    // `ttl: Infinity` reads as the number it names (a global no module shadows in practice).
    case 'Identifier': if (view.name(n) === 'Infinity') return { kind: 'number', value: Infinity, loc }
  }
  return { kind: 'other', nodeType: t, loc }
}
