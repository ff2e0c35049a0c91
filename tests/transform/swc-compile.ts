// Test helper: the SWC side as a Compiler for the behaviour suites (expand, then @swc/core with
// an inline composed source map), and Babel's CallSites for parity checks (the macro's own
// analyzer over the default import's binding references, as babel-plugin-macros hands them over).
import type { NodePath, PluginObj } from '@babel/core'
import type * as t from '@babel/types'
import { analyzeReference, importSites, isTypeOnly } from '../../macro/analyze.js'
import { isMacroImport, type CallSite, type ImportSite } from '../../core/index.js'
import { expand, transformSync } from '../../swc-plugin/index.js'
import type { Compiler } from './behaviour-suite.js'
import { babel } from '../helpers/babel.js'

export const swcCompiler: Compiler = {
  name: 'swc',
  compile: (code, filename, sourceMaps) => transformSync(code, {
    filename,
    sourceMaps: sourceMaps ? 'inline' : false,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  }).code,
  plans: (code, filename) => expand(code, { filename })?.fncache.plans ?? [],
}

/** The CallSites and ImportSites macro/analyze.ts reports for `code`, in source order. */
export function babelSites(code: string, filename: string): { sites: CallSite[]; named: ImportSite[] } {
  const sites: CallSite[] = []
  const named: ImportSite[] = []
  const collect = (): PluginObj => ({
    visitor: {
      Program(program, state) {
        for (const stmt of program.get('body')) {
          let locals: string[] = []
          if (stmt.isImportDeclaration() && stmt.node.source.value === 'fncache.macro') {
            named.push(...importSites(stmt))
            locals = stmt.node.specifiers.filter((s) => s.type === 'ImportDefaultSpecifier' || (s.type === 'ImportSpecifier' && isMacroImport(s.imported.type === 'Identifier' ? s.imported.name : s.imported.value))).map((s) => s.local.name)
          } else if (stmt.isVariableDeclaration()) {
            for (const d of stmt.node.declarations) {
              const init = d.init
              if (!(init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' &&
                  init.arguments[0]?.type === 'StringLiteral' && init.arguments[0].value === 'fncache.macro')) continue
              if (d.id.type === 'Identifier') locals.push(d.id.name)
              // babel-plugin-macros: `const { key: local } = require(...)` hands over references[key].
              else if (d.id.type === 'ObjectPattern') {
                for (const p of d.id.properties) {
                  if (p.type === 'ObjectProperty' && p.key.type === 'Identifier' && isMacroImport(p.key.name) && p.value.type === 'Identifier') locals.push(p.value.name)
                }
              }
            }
          }
          for (const local of locals) {
            // babel-plugin-macros hands the references over in source order.
            const refs = (program.scope.getBinding(local)?.referencePaths ?? []) as NodePath<t.Identifier>[]
            for (const ref of refs) if (!isTypeOnly(ref)) sites.push(analyzeReference(ref, state.file.code).site)
          }
        }
      },
    },
  })
  babel.transformSync(code, { filename, babelrc: false, configFile: false, code: false, plugins: [collect], parserOpts: { plugins: ['typescript', 'decorators'] } })
  sites.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column)
  return { sites, named }
}
