// The folders' import directions (docs/architecture.md): shared/ imports nothing; core/ reads only
// shared/ (and node:), never the runtime or a compiler; the runtime never loads the compiler;
// macro/ (Babel) and swc-plugin/ (SWC) only reach core/ and their own toolchain, never each other
// or the runtime. Imports are read with TypeScript's own scanner (import, export from, require,
// import()), so a string in a message never counts and no import form is missed.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import ts from 'typescript'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
type Folder = 'shared' | 'core' | 'runtime' | 'macro' | 'swc-plugin'

/** What each folder may import: other folders, and packages by name pattern (node: builtins included). */
const ALLOWED: Record<Folder, { folders: Folder[]; packages: RegExp | null }> = {
  shared: { folders: ['shared'], packages: null },
  // @babel/code-frame is a standalone formatter (no parser, no AST): core/frame.ts may print with it.
  core: { folders: ['core', 'shared'], packages: /^(node:|@babel\/code-frame$)/ },
  runtime: { folders: ['runtime', 'shared'], packages: /^(?!@babel\/|@swc\/|babel-plugin-macros$|magic-string$|cosmiconfig$)/ },
  macro: { folders: ['macro', 'core', 'shared'], packages: /^(@babel\/|babel-plugin-macros$|node:)/ },
  'swc-plugin': { folders: ['swc-plugin', 'core', 'shared'], packages: /^(@swc\/|magic-string$|cosmiconfig$|node:|vite$|rollup$|webpack$|jest$|@jest\/|unplugin$)/ },
}

/** Every forbidden import in `text` of the file at `path` (relative to the root, POSIX). */
export function violations(path: string, text: string): string[] {
  const folder = path.split('/')[0] as Folder
  const rule = ALLOWED[folder]
  if (!rule) return []
  const out: string[] = []
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    if (spec.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(path), spec)).split('/')[0] as Folder
      if (!rule.folders.includes(target)) out.push(`${path} imports ${spec} (${folder}/ -> ${target}/)`)
    } else if (!rule.packages || !rule.packages.test(spec)) {
      out.push(`${path} imports the package ${spec}`)
    }
  }
  return out
}

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true }).map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => relative(ROOT, join(ROOT, folder, f)).split(sep).join('/'))
}

const boundaries = suite('import boundaries')

boundaries('the rule catches each forbidden direction (checked on written examples)', () => {
  const bad: [string, string][] = [
    ['core/x.ts', "import { wrap } from '../runtime/wrap.js'"],
    ['core/x.ts', "import type { NodePath } from '@babel/core'"],
    ['core/x.ts', "import { parse } from '@babel/parser'"],
    ['core/x.ts', "const swc = require('@swc/core')"],
    ['core/x.ts', "export { a } from '../macro/view.js'"],
    ['shared/x.ts', "import { errors } from '../core/errors.js'"],
    ['shared/x.ts', "import { readFileSync } from 'node:fs'"],
    ['runtime/x.ts', "const m = await import('../core/plan.js')"],
    ['runtime/backends/x.ts', "import { planCall } from '../../core/index.js'"],
    ['runtime/x.ts', "import babel from '@babel/core'"],
    ['macro/x.ts', "import { swcView } from '../swc-plugin/view.js'"],
    ['macro/x.ts', "import { cached } from '../runtime/index.js'"],
    ['swc-plugin/x.ts', "import { babelView } from '../macro/view.js'"],
    ['swc-plugin/adapters/x.ts', "import { emit } from '../../macro/emit.js'"],
  ]
  for (const [path, text] of bad) assert.is(violations(path, text).length, 1, `${path}: ${text}`)
  const good: [string, string][] = [
    ['core/x.ts', "import { parseTemplate } from '../shared/template.js'\nconst hint = \"import cached from 'fncache.macro'\""],
    ['core/frame.ts', "import { codeFrameColumns } from '@babel/code-frame'"],
    ['runtime/x.ts', "import { parseDuration } from '../shared/duration.js'\nimport { encode } from 'cbor-x'"],
    ['macro/x.ts', "import { analyzeReference } from '../core/index.js'\nimport type { NodePath } from '@babel/core'"],
    ['swc-plugin/adapters/x.ts', "import { expand } from '../index.js'\nimport MagicString from 'magic-string'"],
  ]
  for (const [path, text] of good) assert.equal(violations(path, text), [], path)
})

boundaries('no source file crosses a boundary', () => {
  const files = (Object.keys(ALLOWED) as Folder[]).flatMap(sources)
  assert.ok(files.length >= 60, `read ${files.length} files`)
  const found = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')))
  assert.equal(found, [])
})

boundaries.run()
