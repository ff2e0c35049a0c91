// shared/: the one parser of tag templates and parameter lists, and the one rule for addressing a
// parameter by name; the build (core/) and the runtime (uncompiled cached()) agree through them.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseTemplate } from '../../shared/template.js'
import { paramIndex, readParams } from '../../shared/params.js'
import { cached, invalidateTagsSync } from '../../runtime/index.js'
import { expand } from '../../swc-plugin/index.js'

const templates = suite('parseTemplate()')
templates('text and parameter paths, in order', () => {
  assert.equal(parseTemplate('user:{id}'), [{ text: 'user:' }, { name: 'id', path: [], written: 'id' }])
  assert.equal(parseTemplate('{org.team.id}-{n}!'), [
    { name: 'org', path: ['team', 'id'], written: 'org.team.id' }, { text: '-' }, { name: 'n', path: [], written: 'n' }, { text: '!' },
  ])
})
templates('braces that are not a template stay text', () => {
  assert.equal(parseTemplate('users'), [{ text: 'users' }])
  assert.equal(parseTemplate('{1x} {a-b} {}'), [{ text: '{1x} {a-b} {}' }])
  assert.equal(parseTemplate(''), [])
})
templates.run()

const params = suite('paramIndex() and readParams()')
params('a name addresses its parameter; a missing name or the rest parameter cannot', () => {
  assert.is(paramIndex(['a', null, 'c'], false, 'c'), 2)
  assert.is(paramIndex(['a', null, 'c'], false, 'b'), 'missing')
  assert.is(paramIndex(['a', 'more'], true, 'more'), 'rest')
  assert.is(paramIndex(['a', 'more'], false, 'more'), 1)
})
params('reads names, destructured holes and rest from source', () => {
  assert.equal(readParams(function f(a: number, { b }: { b: number }, ...c: number[]) { return [a, b, c] }), { names: ['a', null, 'c'], rest: true })
  assert.equal(readParams(async (id: string, page = 1) => [id, page]), { names: ['id', 'page'], rest: false })
})
params.run()

const agree = suite('build time and run time agree on tag templates')
agree('a tag naming the rest parameter is refused by the transform and by uncompiled cached()', () => {
  const code = "import cached from 'fncache.macro'\nexport const f = cached((id: string, ...more: string[]) => id, { tags: ['x:{more}'] })\n"
  assert.throws(() => expand(code, { filename: '/p/src/a.ts', configFile: false }), /E_TAG_PARAM[\s\S]*rest parameter/)
  assert.throws(() => cached(function f(id: string, ...more: string[]) { return id + more.length }, { tags: ['x:{more}'] }), /rest parameter/)
})
agree('the same template fills the same tag on both sides', () => {
  let calls = 0
  const load = cached(function load(user: { org: { id: number } }, n: number) { calls++; return user.org.id + n }, { tags: ['org:{user.org.id}', 'n:{n}'] })
  assert.is(load({ org: { id: 7 } }, 1), 8)
  assert.is(load({ org: { id: 7 } }, 1), 8)
  assert.is(calls, 1)
  invalidateTagsSync(['org:8'])
  load({ org: { id: 7 } }, 1)
  assert.is(calls, 1, 'another org\'s tag leaves the entry')
  invalidateTagsSync(['org:7'])
  load({ org: { id: 7 } }, 1)
  assert.is(calls, 2, 'the tag filled from user.org.id removed it')
  const code = "import cached from 'fncache.macro'\nexport const load = cached((user: { org: { id: number } }, n: number) => user.org.id + n, { tags: ['org:{user.org.id}', 'n:{n}'] })\n"
  const out = expand(code, { filename: '/p/src/a.ts', configFile: false })!.code
  assert.match(out, 'tags: (result, user, n) => ["org:" + _tagPart(user?.org?.id), "n:" + _tagPart(n)]')
})
agree.run()
