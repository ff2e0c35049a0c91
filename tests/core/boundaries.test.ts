// core/ is shared verbatim by the Babel macro and the SWC transform: it may import neither
// (@babel/code-frame, a standalone formatter with no parser, is the one @babel package it uses).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CORE = fileURLToPath(new URL('../../core', import.meta.url))
const boundaries = suite('core/ boundaries')
boundaries('no file under core/ imports @babel/* (but @babel/code-frame) or @swc/*', () => {
  const files = readdirSync(CORE, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))
  assert.ok(files.length >= 8)
  for (const f of files) {
    const text = readFileSync(join(CORE, f), 'utf8')
    assert.not.match(text, /(from|import|require)\s*\(?\s*['"]@(babel\/(?!code-frame['"])|swc\/)/, `core/${f}`)
  }
})
boundaries.run()
