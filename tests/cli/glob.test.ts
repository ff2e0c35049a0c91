// `fncache ids` arguments (cli/glob.ts over tinyglobby): files, directories and globs on a real
// directory tree, with what is skipped (node_modules, dot-directories, .d.ts, symbolic links).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { expandPatterns } from '../../cli/glob.js'

const root = mkdtempSync(join(tmpdir(), 'fncache-glob-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
for (const f of [
  'src/a.ts', 'src/b.ts', 'src/c.js', 'src/d.d.ts', 'src/notes.md', 'src/x1.tsx', 'src/x2.mts', 'src/xa.cjs',
  'src/deep/e.ts', 'src/deep/er/f.ts', 'lib/g.ts', 'node_modules/dep/h.ts', 'src/node_modules/i.ts', '.hidden/j.ts', 'src/.k/l.ts',
]) {
  mkdirSync(join(root, dirname(f)), { recursive: true })
  writeFileSync(join(root, f), '')
}
symlinkSync(join(root, 'src'), join(root, 'src/deep/loop'), 'dir')

/** The files `patterns` give, relative to the root, and the patterns that matched nothing. */
function expand(...patterns: string[]) {
  const { files, unmatched } = expandPatterns(patterns, root)
  return { files: files.map((f) => relative(root, f)), unmatched }
}

const glob = suite('expandPatterns')

glob('a directory gives its source files, without node_modules, dot-directories, .d.ts or links', () => {
  assert.equal(expand('src').files, ['src/a.ts', 'src/b.ts', 'src/c.js', 'src/deep/e.ts', 'src/deep/er/f.ts', 'src/x1.tsx', 'src/x2.mts', 'src/xa.cjs'])
  assert.equal(expand('.').files.filter((f) => !f.startsWith('src/')), ['lib/g.ts'])
})

glob('a file named outright is taken whatever its extension; a missing one is unmatched', () => {
  assert.equal(expand('src/notes.md', 'nope.ts'), { files: ['src/notes.md'], unmatched: ['nope.ts'] })
})

glob('*, ** and ? stay within their segment rules', () => {
  assert.equal(expand('src/*.ts').files, ['src/a.ts', 'src/b.ts'])
  assert.equal(expand('src/**/*.ts').files, ['src/a.ts', 'src/b.ts', 'src/deep/e.ts', 'src/deep/er/f.ts'])
  assert.equal(expand('src/deep/?.ts').files, ['src/deep/e.ts'])
  assert.equal(expand('**/f.ts').files, ['src/deep/er/f.ts'])
})

glob('[...] classes and {a,b} alternatives', () => {
  assert.equal(expand('src/[ab].ts').files, ['src/a.ts', 'src/b.ts'])
  assert.equal(expand('src/[!a].ts').files, ['src/b.ts'])
  assert.equal(expand('src/x[0-9].*').files, ['src/x1.tsx', 'src/x2.mts'])
  assert.equal(expand('{lib,src/deep}/*.ts').files, ['lib/g.ts', 'src/deep/e.ts'])
})

glob('explicit node_modules and dot paths in a glob are still skipped or matched as written', () => {
  assert.equal(expand('node_modules/**/*.ts'), { files: [], unmatched: ['node_modules/**/*.ts'] })
  assert.equal(expand('.hidden/*.ts').files, ['.hidden/j.ts'])
})

glob('several patterns: deduplicated, in pattern order; a glob matching nothing is reported', () => {
  assert.equal(expand('src/b.ts', 'src/*.ts', 'zzz/**/*.ts'), { files: ['src/b.ts', 'src/a.ts'], unmatched: ['zzz/**/*.ts'] })
})

glob('absolute patterns and patterns above the working directory', () => {
  assert.equal(expand(join(root, 'lib/*.ts')).files, ['lib/g.ts'])
  const { files } = expandPatterns(['../lib/*.ts'], join(root, 'src'))
  assert.equal(files, [join(root, 'lib/g.ts')])
})

glob.run()
