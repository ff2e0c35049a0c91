// core's SyntaxView (the read-only accessors macro/ and swc-plugin/ implement over their ASTs) and
// the few readers every analysis in core uses: transparent wrappers, child identity, property keys.
import type { CallSite, Loc, Use } from './types.js'

/**
 * Read-only access to one compiler's AST. Handles (`N`) are opaque: a Babel NodePath, an SWC node.
 * Node types and field names are Babel's (the SWC view translates); parentheses are invisible.
 */
export interface SyntaxView<N> {
  /** Babel's node type name (`CallExpression`, `TSAsExpression`, `ObjectProperty`, ...). */
  type(n: N): string
  /** The syntactic parent; asked only along the ancestors of a macro reference. */
  parent(n: N): N | null
  /** One child by Babel's field name (`callee`, `init`, `key`, `value`, ...), or null. */
  child(n: N, field: string): N | null
  /** A list of children by Babel's field name; `null` for an array hole. */
  children(n: N, field: string): (N | null)[]
  same(a: N, b: N): boolean
  /** An Identifier's or PrivateName's name. */
  name(n: N): string
  /** A literal's value; a template element's cooked text. */
  value(n: N): unknown
  /** A flag or word on the node: `computed`, `static`, `async`, `generator`, `optional`, `operator`, `kind`. */
  attr(n: N, key: 'computed' | 'static' | 'async' | 'generator' | 'optional' | 'operator' | 'kind'): unknown
  /** The TS type of an annotated binding (inside its type annotation), or null. */
  annotation(n: N): N | null
  loc(n: N): Loc
  /** The source text exactly as written. */
  text(n: N): string
  /** The source text from the start of `from` to the end of `to` (a decorated method without its decorators). */
  textBetween(from: N, to: N): string
  /** References to a named function expression's own name that resolve to that name. */
  selfReferences(fn: N): N[]
  /** What `name` resolves to at the reference `at` (compared by identity only). */
  declarationAt(at: N, name: string): unknown
  /** What `name` resolves to just outside the function `fn`. */
  declarationAround(fn: N, name: string): unknown
  /** What the function `fn` uses (module bindings, globals, `this`, dynamic imports), in source order. */
  uses(fn: N): Use[]
}

/** A CallSite plus the handles an emitter splices into. */
export interface Analysis<N> {
  site: CallSite
  /** The call (null: the macro is not called). */
  call: N | null
  /** What the emitter replaces by the wrap helper: the reference, or `cached.batch` as a whole. */
  callee: N
  /** The wrapped function expression or arrow. */
  fn: N | null
  /** Option name -> its property (an ObjectProperty or ObjectMethod), for code passed through. */
  values: Map<string, N>
  /** References to the function expression's own name. */
  selfRefs: N[]
}

/** Parentheses and TS-only wrappers (`as`, `satisfies`, `!`, Flow casts) do not change where a value goes. */
export const TRANSPARENT: ReadonlySet<string> = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TypeCastExpression'])

/** The outermost node around `n` that only wraps it transparently. */
export function outer<N>(view: SyntaxView<N>, n: N): N {
  let p = n
  for (let up = view.parent(p); up !== null && TRANSPARENT.has(view.type(up)); up = view.parent(p)) p = up
  return p
}


export function sameChild<N>(view: SyntaxView<N>, parent: N, field: string, n: N): boolean {
  const c = view.child(parent, field)
  return c !== null && view.same(c, n)
}

/** A property's, member's or class field's key as a name; null when computed from anything but a string. */
export function keyName<N>(view: SyntaxView<N>, owner: N): string | null {
  const t = view.type(owner)
  const key = view.child(owner, t === 'MemberExpression' ? 'property' : 'key')
  if (key === null) return null
  const kt = view.type(key)
  if (view.attr(owner, 'computed')) return kt === 'StringLiteral' ? String(view.value(key)) : null
  if (kt === 'Identifier') return view.name(key)
  if (kt === 'StringLiteral') return String(view.value(key))
  if (kt === 'NumericLiteral') return String(view.value(key))
  if (kt === 'PrivateName') return '#' + view.name(key)
  return null
}
