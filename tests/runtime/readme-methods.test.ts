// The README's table of the wrapped function's members: every member a cached function carries is
// listed, and each one behaves as its line and example say (memory backend, uncompiled wraps with
// the README's id).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { cached } from '../../runtime/index.js'
import { counting, fresh } from '../helpers/runtime.js'
import { ROOT } from '../helpers/package-layout.js'

const readme = readFileSync(`${ROOT}/README.md`, 'utf8')
const table = readme.slice(readme.indexOf('## The wrapped function'), readme.indexOf('## Invalidation'))
const documented = [...table.matchAll(/^\| `(\w+)/gm)].map((m) => m[1]!)

const methods = suite('README: the wrapped function')

methods('every member of a cached function is documented, and nothing else', () => {
  fresh()
  const f = cached((n: number) => n, { id: 'members' })
  assert.equal(documented.sort(), Object.keys(f).sort())
})

methods('each member does what its line says', async () => {
  fresh()
  const impl = counting(async (id: string) => ({ id, name: 'user ' + id }))
  const getUser = cached(impl, { id: 'src/users.ts#getUser' })
  assert.is(getUser.id, 'src/users.ts#getUser')
  assert.is(getUser.key('42'), 'src/users.ts#getUser:"42"')
  const peeked = getUser.peek('42')
  assert.instance(peeked, Promise)
  assert.is(await peeked, undefined)
  assert.is(await getUser.invalidate('42'), false)
  await getUser('42')
  assert.equal(await getUser.peek('42'), { id: '42', name: 'user 42' })
  assert.is(impl.n, 1)
  assert.is(await getUser.invalidate('42'), true)
  assert.equal(await getUser.refresh('42'), { id: '42', name: 'user 42' })
  assert.is(impl.n, 2)
  await getUser('42')
  assert.is(impl.n, 2)
  assert.equal(await getUser.warm([['1'], ['2']], { concurrency: 2 }), { stored: 2, failed: 0 })
  assert.is(impl.n, 4)
  const stats = getUser.stats()
  assert.is(stats.hits, 1)
  assert.ok(stats.hitRate > 0 && stats.hitRate < 1)
  await getUser.clear()
  assert.is(await getUser.peek('1'), undefined)
  assert.is(await getUser.peek('42'), undefined)

  const square = cached((n: number) => n * n, { id: 'square' })
  assert.is(square.peek(3), undefined)
  assert.is(square.refresh(3), 9)
  assert.is(square.peek(3), 9)
})

methods.run()
