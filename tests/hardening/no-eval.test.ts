// Limits: the runtime never evaluates data as code. Scans the runtime's sources and a build of
// them (tsc, the compiler `npm run build` uses, into a temp dir: dist/ itself belongs to the build)
// for eval( / new Function / Function( outside comments and strings.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import ts from 'typescript'

const ROOT = new URL('../..', import.meta.url).pathname
const FORBIDDEN = /\beval\s*\(|\bnew\s+Function\b|(?<![.\w$])Function\s*\(/

function walk(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, ext, out)
    else if (ext.test(name) && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** The code of a file with comments, strings and template text blanked (token-accurate, via the TS scanner). */
function codeOnly(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text)
  let out = ''
  const templates: number[] = [] // open braces inside each `${` of the templates being scanned
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k === ts.SyntaxKind.TemplateHead) templates.push(0)
    else if (k === ts.SyntaxKind.OpenBraceToken && templates.length) templates[templates.length - 1]!++
    else if (k === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates[templates.length - 1] === 0) {
        k = scanner.reScanTemplateToken(false)
        if (k === ts.SyntaxKind.TemplateTail) templates.pop()
      } else templates[templates.length - 1]!--
    }
    const t = scanner.getTokenText()
    const blank = k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral || k === ts.SyntaxKind.TemplateHead ||
      k === ts.SyntaxKind.TemplateMiddle || k === ts.SyntaxKind.TemplateTail || k === ts.SyntaxKind.RegularExpressionLiteral
    out += blank ? '""' : t
    out += ' '
  }
  return out
}

const findings = (files: string[]) => files.flatMap((f) => {
  const m = FORBIDDEN.exec(codeOnly(readFileSync(f, 'utf8')))
  return m ? [`${relative(ROOT, f)}: ${m[0]}`] : []
})

const scan = suite('no eval')

scan('the scanner sees through comments and strings, and catches the real thing', () => {
  assert.not.match(codeOnly('// eval(x)\n/* new Function("a") */ const s = "eval(1)"; const t = `Function(${1})`'), FORBIDDEN)
  for (const bad of ['eval(code)', 'new Function("return 1")', 'const f = Function("a", "b")', 'globalThis.eval (x)']) {
    assert.match(codeOnly(bad), FORBIDDEN, bad)
  }
})

scan('runtime/ sources use no eval, new Function or Function()', () => {
  assert.equal(findings(walk(join(ROOT, 'runtime'), /\.ts$/)), [])
})

scan('the built runtime uses none either', () => {
  const out = mkdtempSync(join(tmpdir(), 'fncache-build-'))
  try {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), { outDir: out, declaration: false, noEmit: false, noEmitOnError: false }, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {},
    })!
    const files = config.fileNames.filter((f) => f.includes('/runtime/'))
    // One file at a time, as tsc emits it: a build of the runtime without the whole type check.
    for (const f of files) {
      const js = ts.transpileModule(readFileSync(f, 'utf8'), { compilerOptions: config.options, fileName: f }).outputText
      assert.not.match(codeOnly(js), FORBIDDEN, relative(ROOT, f))
    }
    assert.ok(files.length > 20, `only ${files.length} runtime files found`)
    // A real `npm run build` output, when there is one.
    for (const d of ['dist/esm', 'dist/cjs']) {
      if (existsSync(join(ROOT, d))) assert.equal(findings(walk(join(ROOT, d), /\.js$/)), [], d)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

scan.run()
