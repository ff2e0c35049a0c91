// The macro's pipeline, in order: config -> analyze every reference -> plan (core) -> emit.
// A TransformError from core becomes a MacroError with Babel's code frame at the error's Loc.
import type { NodePath, PluginPass } from '@babel/core'
import type * as t from '@babel/types'
import macros from 'babel-plugin-macros'
import { MACRO_IMPORTS, TransformError, formatWarning, moduleContext, normaliseConfig, planImports, planModule, purityWarnings, type ImportSite, type TransformWarning } from '../core/index.js'
import { analyzeReference, importSites, isTypeOnly } from './analyze.js'
import { babelModule } from './view.js'
import type { ModuleLoader } from '../core/index.js'
import { emit } from './emit.js'

interface MacroArgs {
  references: Record<string, NodePath[]>
  state: PluginPass
  babel: typeof import('@babel/core')
  config?: unknown
  source: string
}

export function expand({ references, state, babel, config, source }: MacroArgs): { keepImports: true } {
  const file = state.file
  try {
    const cfg = normaliseConfig(config)
    const program = file.path as NodePath<t.Program>
    // babel-plugin-macros calls the macro once per import, in order; ours is the first one
    // still importing `source` (earlier ones were rewritten to the runtime already).
    const decl = program.get('body').find((s): s is NodePath<t.ImportDeclaration> =>
      s.isImportDeclaration() && s.node.source.value === source) ?? null
    const named: ImportSite[] = decl ? importSites(decl) : []
    const refs = MACRO_IMPORTS.flatMap((name) => (references[name] ?? []) as NodePath<t.Identifier>[])
      .filter((r) => !isTypeOnly(r))
      .sort((a, b) => a.node.start! - b.node.start!)
    const analyzed = refs.map((ref) => analyzeReference(ref, file.code))
    const module = moduleContext(file.opts.filename ?? null, file.code, cfg, file.opts.cwd ?? process.cwd(), { view: babelModule(program, file.code), load: loaderFor(babel) })
    const plans = planModule(analyzed.map((a) => a.site), cfg, module)
    const imports = planImports(named, plans, cfg)
    // Plans are also published on the result (`result.metadata.fncache`) for tools and tests.
    const meta = file.metadata as { fncache?: { plans: unknown[]; imports: unknown[]; warnings?: TransformWarning[] } }
    meta.fncache ??= { plans: [], imports: [] }
    meta.fncache.plans.push(...plans)
    meta.fncache.imports.push(imports)
    // Purity warnings (core/purity.ts): printed with a code frame, published only when there are some.
    const warnings = purityWarnings(analyzed.map((a) => a.site), plans, cfg)
    if (warnings.length) {
      ;(meta.fncache.warnings ??= []).push(...warnings)
      for (const w of warnings) console.warn(formatWarning(w, file.code, file.opts.filename))
    }
    emit({ babel, program, decl, calls: analyzed.map((a, i) => ({ analyzed: a, plan: plans[i]! })), imports })
  } catch (error) {
    if (error instanceof TransformError) throw toMacroError(error, file)
    throw error
  }
  return { keepImports: true }
}

const loaders = new WeakMap<object, ModuleLoader>()

/** Parses another file of the project with this Babel (no config files: only syntax is read). */
function loaderFor(babel: MacroArgs['babel']): ModuleLoader {
  // Keyed by @babel/core's own parseSync: the `babel` API object may be new for every file.
  let load = loaders.get(babel.parseSync)
  if (!load) {
    load = (filename, code) => {
      const ts = /\.[cm]?tsx?$/.test(filename)
      const plugins = [...(ts ? ['typescript'] : []), ...(!ts || filename.endsWith('x') ? ['jsx'] : []), 'decorators']
      const ast = babel.parseSync(code, { filename, babelrc: false, configFile: false, sourceType: 'module', parserOpts: { plugins: plugins as never } })
      if (!ast) return null
      let program: NodePath<t.Program> | null = null
      babel.traverse(ast, { Program(p) { program = p; p.stop() } })
      return program ? babelModule(program, code) : null
    }
    loaders.set(babel.parseSync, load)
  }
  return load
}

/** The core error's text, with Babel's code frame built from its Loc. */
function toMacroError(error: TransformError, file: PluginPass['file']): Error {
  const loc = error.loc
  const out: Error & { code?: string } = loc
    ? (file as unknown as { buildCodeFrameError(node: unknown, msg: string, E: typeof Error): Error }).buildCodeFrameError({ loc: { start: loc, end: loc.end } }, error.text, macros.MacroError as ErrorConstructor)
    : new macros.MacroError(error.text)
  out.code = error.code
  return out
}
