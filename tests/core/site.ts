// Test helper: CallSite builders, so core tests read as tables (no parser involved).
import type { CallSite, FunctionSite, Loc, ModuleContext, OptionSite, ParamSite, TypeKind, ValueSite } from '../../core/index.js'
import { normaliseConfig } from '../../core/index.js'

export const L: Loc = { line: 1, column: 0, end: { line: 1, column: 1 } }
export const MODULE: ModuleContext = { relativePath: 'src/users.ts', moduleHash: 'feedbeef' }
export const CONFIG = normaliseConfig(undefined)

export const param = (name: string, type: TypeKind[] | null = null, extra: Partial<ParamSite> = {}): ParamSite =>
  ({ kind: 'name', name, hasDefault: false, optional: false, type, loc: L, ...extra })

export const fnSite = (params: ParamSite[], extra: Partial<FunctionSite> = {}): FunctionSite => ({
  kind: 'arrow', async: false, generator: false, name: null, selfReferences: 0, outerNameShadowed: false,
  params, text: `(${params.map((p) => p.name).join(', ')}) => 1`, uses: [], loc: L, ...extra,
})

export const lit = (value: string | number | boolean | string[]): ValueSite =>
  Array.isArray(value) ? { kind: 'array', items: value.map((v) => lit(v)), loc: L }
    : typeof value === 'string' ? { kind: 'string', value, loc: L }
    : typeof value === 'number' ? { kind: 'number', value, loc: L }
    : { kind: 'boolean', value, loc: L }

export const prop = (name: string, value: ValueSite): OptionSite => ({ kind: 'property', name, keyLoc: L, value, loc: L })

export function site(fn: FunctionSite | null, options: OptionSite[] | null = null, extra: Partial<CallSite> = {}): CallSite {
  return {
    callee: 'cached', usage: 'call', loc: { line: 3, column: 23, end: { line: 3, column: 40 } },
    argCount: options ? 2 : 1, firstArg: { nodeType: 'ArrowFunctionExpression', loc: L },
    extraArgLoc: null, spreadArgLoc: null, fn, options: options ? { kind: 'object', properties: options, loc: L } : null,
    binding: { kind: 'variable', name: 'getUser' }, ...extra,
  }
}
