// Build-time purity warnings: a cached function whose result depends on more than its arguments
// (a reassigned module-level binding, the clock, randomness, `this` outside its key) silently
// changes the program once cached. Warnings, not errors: config `purity: false` turns them off,
// the wrap option `pure: true` silences one function. Reads only CallSite data (FunctionSite.uses).
import { codeFrame } from './frame.js'
import type { CallSite, Loc, MacroConfig, Plan, Use } from './types.js'

/** One warning: a code, where, and the text (`[W_PURITY] ...` then `  Try: ...`). */
export interface TransformWarning {
  code: 'W_PURITY'
  loc: Loc
  text: string
}

/** Calls whose result differs between two calls with the same arguments (global chains). */
const NON_DETERMINISTIC: Record<string, 'call' | 'new'> = {
  'Date.now': 'call', 'Math.random': 'call', 'crypto.randomUUID': 'call', 'globalThis.crypto.randomUUID': 'call',
  'crypto.getRandomValues': 'call', 'performance.now': 'call', Date: 'new',
}

const TRY = 'pass it in as an argument, or add `pure: true` to the options if the cached result is meant to keep what the first call saw'

function warning(id: string, use: Use, what: string, why: string, fix = TRY): TransformWarning {
  return { code: 'W_PURITY', loc: use.loc, text: `[W_PURITY] ${id} ${what}: ${why}\n  Try: ${fix}` }
}

/** The matching non-deterministic call of a global use, as written (`Date.now()`, `new Date()`). */
function nonDeterministic(u: Use): string | null {
  if (u.kind !== 'global' || u.call === null) return null
  const path = u.path.join('.')
  if (NON_DETERMINISTIC[path] !== u.call) return null
  if (u.call === 'new') return u.args === 0 ? `new ${path}()` : null
  return `${path}()`
}

/** Whether the options say `pure: true` as a literal. */
const markedPure = (site: CallSite) => site.options?.kind === 'object' && site.options.properties.some((p) =>
  p.kind === 'property' && p.name === 'pure' && p.value.kind === 'boolean' && p.value.value)

/** The warnings of one file's wraps (`sites` and `plans` in the same order). */
export function purityWarnings(sites: readonly CallSite[], plans: readonly Plan[], config: MacroConfig): TransformWarning[] {
  if (!config.purity) return []
  const out: TransformWarning[] = []
  sites.forEach((site, i) => {
    const plan = plans[i]
    if (!site.fn || !plan || markedPure(site)) return
    const seen = new Set<string>()
    const once = (key: string, w: () => TransformWarning) => { if (!seen.has(key)) { seen.add(key); out.push(w()) } }
    for (const u of site.fn.uses) {
      const call = nonDeterministic(u)
      if (call) once(call, () => warning(plan.id, u, `calls ${call}`, 'its result depends on more than its arguments, and a cached call returns the value the first call got'))
      else if (u.kind === 'module' && u.reassigned && !u.writeOnly) {
        once(`module ${u.name}`, () => warning(plan.id, u, `reads ${u.name}, a module-level binding that is reassigned`, 'a cached call keeps returning what it computed from the value it saw first'))
      } else if (u.kind === 'this' && plan.key?.kind !== 'passthrough' && plan.form !== 'decorator') {
        // A decorated method's receiver is the service (one cache per method by design; `instanceKey` keys it).
        once('this', () => warning(plan.id, u, 'uses `this`, which is not part of its key', 'every receiver shares the entries of one key',
          'key the receiver\'s state in (`key: function (...args) { return [this.id, ...args] }`), or add `pure: true` if every receiver gives the same result'))
      }
    }
  })
  return out
}

/** A warning as printed: `<file>: [W_PURITY] ...` and the code frame. */
export function formatWarning(warning: TransformWarning, code: string, filename: string | null | undefined): string {
  return `${filename ?? 'unknown file'}: ${warning.text}\n${codeFrame(code, warning.loc)}`
}
