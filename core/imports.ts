// Named imports from 'fncache.macro' -> one import of the runtime per file: the user's names
// (aliases kept) plus the helpers the planned wraps call. An unknown name is an error.
import { errors, nearest } from './errors.js'
import { RUNTIME_EXPORTS, helpersImport } from './runtime-ids.js'
import type { ImportPlan, ImportSite, MacroConfig, Plan } from './types.js'

export function planImports(named: readonly ImportSite[], plans: readonly Plan[], config: MacroConfig): ImportPlan {
  for (const site of named) {
    if (!site.typeOnly && !(RUNTIME_EXPORTS as readonly string[]).includes(site.imported)) {
      throw errors.unknownImport(site.imported, RUNTIME_EXPORTS, nearest(site.imported, RUNTIME_EXPORTS), site.loc)
    }
  }
  const helpers: ImportPlan['helpers'] = []
  for (const plan of plans) for (const h of plan.helpers) if (!helpers.includes(h)) helpers.push(h)
  return { source: config.runtimeImport, helperSource: helpersImport(config.runtimeImport), named: named.map(({ imported, local }) => ({ imported, local })), helpers }
}
