// The one analyzer: a reference to the macro -> plain CallSite data (core/types.ts), read through a
// SyntaxView that macro/ (Babel) and swc-plugin/ (SWC) implement with plain accessors. Every rule
// about syntax lives in core once: here, how a reference is used and what owns the wrap (which
// names the function id), type-only references and imports; the wrapped function in
// analyze-function.ts, the options object in analyze-options.ts, the view and the readers they
// share (transparent wrappers, property keys) in syntax-view.ts. Still no rule about what is
// valid: planCall decides.
import { analyzeDecorator } from './decorator.js'
import { functionSite, ownName } from './analyze-function.js'
import { optionsSite } from './analyze-options.js'
import { keyName, outer, sameChild, type Analysis, type SyntaxView } from './syntax-view.js'
import type { BindingSite, CallSite, FunctionSite, ImportSite, Loc, Usage } from './types.js'

/** Import names that denote the macro itself: `import cached from` and `import { cached } from` compile alike. */
export const MACRO_IMPORTS: readonly string[] = ['default', 'cached']
export const isMacroImport = (imported: string): boolean => MACRO_IMPORTS.includes(imported)

/** Parents of a reference that exists only in types (`typeof cached`): erased, never an error. */
const TYPE_CONTEXTS = new Set(['TSTypeQuery', 'TSQualifiedName'])

export function isTypeOnlyReference<N>(view: SyntaxView<N>, ref: N): boolean {
  const parent = view.parent(ref)
  return parent !== null && TYPE_CONTEXTS.has(view.type(parent))
}

/**
 * A named import from the macro as the planner sees it. `typeOnly`: marked `type` (on the
 * declaration or the specifier) or never used as a value; then it is kept and never checked.
 */
export function importSite(spec: { imported: string; local: string; markedType: boolean; valueReferences: number; loc: Loc }): ImportSite {
  return { imported: spec.imported, local: spec.local, typeOnly: spec.markedType || spec.valueReferences === 0, loc: spec.loc }
}

/** Which child field of each parent type makes a reference a call, a `new`, a tag or a member object. */
const USAGES: Record<string, [field: string, usage: Usage]> = {
  CallExpression: ['callee', 'call'],
  OptionalCallExpression: ['callee', 'optional-call'],
  NewExpression: ['callee', 'new'],
  TaggedTemplateExpression: ['tag', 'tagged-template'],
  MemberExpression: ['object', 'member'],
  OptionalMemberExpression: ['object', 'member'],
}

export function analyzeReference<N>(view: SyntaxView<N>, ref: N): Analysis<N> {
  const decorated = analyzeDecorator(view, ref)
  if (decorated) return decorated
  const p = outer(view, ref)
  const parent = view.parent(p)
  const rule = parent ? USAGES[view.type(parent)] : undefined
  let usage: Usage = rule && parent && sameChild(view, parent, rule[0], p) ? rule[1] : 'value'
  const values = new Map<string, N>()
  const callee = view.name(ref)
  const batchCall = usage === 'member' ? batchCallOf(view, parent!) : null
  if (batchCall !== null) usage = 'call'
  if (usage !== 'call') {
    const loc = view.loc(usage === 'value' || !parent ? ref : parent)
    const site: CallSite = { callee, usage, loc, argCount: 0, firstArg: null, extraArgLoc: null, spreadArgLoc: null, fn: null, options: null, binding: { kind: 'anonymous' } }
    return { site, call: null, callee: ref, fn: null, values, selfRefs: [] }
  }
  const call = batchCall ?? parent!
  const args = view.children(call, 'arguments') as N[]
  const first = args[0]
  const spread = args.find((a) => view.type(a) === 'SpreadElement')
  const binding = bindingOf(view, call)
  let fn: N | null = null
  let fnSite: FunctionSite | null = null
  let selfRefs: N[] = []
  if (first !== undefined && FUNCTIONS.has(view.type(first))) {
    fn = first
    selfRefs = ownName(view, first) === null ? [] : view.selfReferences(first)
    fnSite = functionSite(view, first, binding, selfRefs)
  }
  const second = args[1]
  const site: CallSite = {
    callee,
    usage,
    loc: view.loc(call),
    argCount: args.length,
    firstArg: first !== undefined ? { nodeType: view.type(first), loc: view.loc(first) } : null,
    extraArgLoc: args[2] !== undefined ? view.loc(args[2]) : null,
    spreadArgLoc: spread !== undefined ? view.loc(spread) : null,
    fn: fnSite,
    options: second !== undefined ? optionsSite(view, second, values) : null,
    binding,
  }
  if (batchCall !== null) site.form = 'batch'
  return { site, call, callee: batchCall !== null ? parent! : ref, fn, values, selfRefs }
}

/** The call of `cached.batch(...)` (a plain `.batch` member called directly), or null. */
function batchCallOf<N>(view: SyntaxView<N>, member: N): N | null {
  if (view.type(member) !== 'MemberExpression' || view.attr(member, 'computed') || keyName(view, member) !== 'batch') return null
  const m = outer(view, member)
  const up = view.parent(m)
  return up !== null && view.type(up) === 'CallExpression' && sameChild(view, up, 'callee', m) ? up : null
}

const FUNCTIONS = new Set(['ArrowFunctionExpression', 'FunctionExpression'])
/** `a.b.c` as `['a', 'b', 'c']`, or null for anything that is not a chain of plain names. */
function memberPath<N>(view: SyntaxView<N>, n: N): string[] | null {
  const t = view.type(n)
  if (t === 'Identifier') return [view.name(n)]
  if (t === 'ThisExpression') return ['this']
  if (t === 'MemberExpression') {
    const object = view.child(n, 'object')
    const head = object === null ? null : memberPath(view, object)
    const name = keyName(view, n)
    return head && name !== null ? [...head, name] : null
  }
  return null
}

/** The name of what the value `n` is assigned to: a binding, a property chain, or `default`. */
function ownerPath<N>(view: SyntaxView<N>, n: N): string[] | null {
  const p = outer(view, n)
  const parent = view.parent(p)
  if (parent === null) return null
  switch (view.type(parent)) {
    case 'VariableDeclarator': {
      const id = view.child(parent, 'id')
      return sameChild(view, parent, 'init', p) && id !== null && view.type(id) === 'Identifier' ? [view.name(id)] : null
    }
    case 'ExportDefaultDeclaration': return ['default']
    case 'AssignmentExpression': {
      const left = view.child(parent, 'left')
      return sameChild(view, parent, 'right', p) && left !== null ? memberPath(view, left) : null
    }
    case 'ObjectProperty': {
      if (!sameChild(view, parent, 'value', p)) return null
      const name = keyName(view, parent)
      const object = view.parent(parent)
      const head = object === null ? null : ownerPath(view, object)
      return head && name !== null ? [...head, name] : null
    }
  }
  return null
}

/** What names the wrap: a class field, a binding, a property path, `export default`, or nothing. */
function bindingOf<N>(view: SyntaxView<N>, call: N): BindingSite {
  const p = outer(view, call)
  const parent = view.parent(p)
  const parentType = parent === null ? null : view.type(parent)
  if (parent !== null && (parentType === 'ClassProperty' || parentType === 'ClassPrivateProperty') && sameChild(view, parent, 'value', p)) {
    const name = keyName(view, parent)
    const className = classNameOf(view, parent)
    if (name !== null && className !== null) return { kind: 'class-field', className, name, static: !!view.attr(parent, 'static') }
    return { kind: 'anonymous' }
  }
  const path = ownerPath(view, call)
  if (!path) return { kind: 'anonymous' }
  if (path.length === 1) return path[0] === 'default' && parentType === 'ExportDefaultDeclaration' ? { kind: 'default' } : { kind: 'variable', name: path[0]! }
  return { kind: 'member', path }
}

/** The name of the class owning the member `member`: its own name, else what it is assigned to (`default` for `export default class`). */
export function classNameOf<N>(view: SyntaxView<N>, member: N): string | null {
  let cls = view.parent(member)
  if (cls !== null && view.type(cls) === 'ClassBody') cls = view.parent(cls)
  if (cls === null || (view.type(cls) !== 'ClassDeclaration' && view.type(cls) !== 'ClassExpression')) return null
  const id = view.child(cls, 'id')
  return id !== null ? view.name(id) : ownerPath(view, cls)?.join('.') ?? null
}
