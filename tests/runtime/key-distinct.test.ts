// Key distinctness (issue 11, item 6): arguments the function can tell apart never share an entry —
// an array hole vs undefined, a Buffer vs a Uint8Array with the same bytes, a null-prototype object
// vs a plain object — on every path that builds a key: the one-argument fast path (objects by
// shape), the generic wrapper, code compiled by the Babel macro (its key builder falls back to the
// encoder), and a persistent backend's logical keys.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure } from '../../runtime/index.js'
import { counting, fresh } from '../helpers/runtime.js'
import { compile } from '../transform/compile.js'
import { loadWith } from '../transform/behaviour-suite.js'
import { bytesBackend } from '../helpers/bytes-backend.js'

/** Pairs the function can tell apart, each with a probe that shows the difference. */
const PAIRS: [string, () => unknown, () => unknown, (v: any) => unknown][] = [
  // eslint-disable-next-line no-sparse-arrays
  ['hole vs undefined', () => [, 1], () => [undefined, 1], (a: unknown[]) => !(0 in a)],
  ['Buffer vs Uint8Array', () => Buffer.from([1, 2]), () => new Uint8Array([1, 2]), (b: Uint8Array) => Buffer.isBuffer(b)],
  ['null prototype vs plain', () => Object.assign(Object.create(null), { id: 1 }), () => ({ id: 1 }), (o: object) => !('toString' in o)],
]

const paths = suite('distinct keys on every path')
paths.before.each(() => { fresh() })

paths('one argument (fast path): each pair gets two entries, and each side hits its own', () => {
  for (const [what, a, b, probe] of PAIRS) {
    const impl = counting((x: unknown) => probe(x))
    const f = cached(impl, { id: 'one:' + what })
    assert.is(f(a()), true, what)
    assert.is(f(b()), false, what)
    assert.is(f(a()), true, what)
    assert.is(f(b()), false, what)
    assert.is(impl.n, 2, what)
  }
})

paths('two arguments (generic wrapper) and as a nested value', () => {
  for (const [what, a, b, probe] of PAIRS) {
    const impl = counting((x: unknown, n: number) => [probe(x), n])
    const f = cached(impl, { id: 'two:' + what })
    assert.equal(f(a(), 1), [true, 1], what)
    assert.equal(f(b(), 1), [false, 1], what)
    assert.equal(f(a(), 1), [true, 1], what)
    assert.is(impl.n, 2, what)
    const nested = counting((o: { x: unknown }) => probe(o.x))
    const g = cached(nested, { id: 'nested:' + what })
    assert.is(g({ x: a() }), true, what)
    assert.is(g({ x: b() }), false, what)
    assert.is(nested.n, 2, what)
  }
})

paths('logical keys differ, so persistent backends keep them apart too', () => {
  configure({ backends: { default: bytesBackend() as never } })
  const f = cached((x: unknown) => x, { id: 'logical' })
  for (const [what, a, b] of PAIRS) assert.is.not(f.key(a()), f.key(b()), what)
  // eslint-disable-next-line no-sparse-arrays
  assert.equal([f.key([, 1]), f.key(Buffer.from([1])), f.key(Object.create(null))], ['logical:[,1]', 'logical:Buffer(01)', 'logical:{__proto__:null}'])
})

paths('code compiled by the Babel macro (typed parameters, a specialised key builder)', async () => {
  const mod = await loadWith({ name: 'babel', compile: (code, filename) => compile(code, filename, { sourceMaps: 'inline' }).code!, plans: () => [] },
    'src/distinct.ts', `import cached from 'fncache.macro'
export const calls = { n: 0 }
export const probe = cached((x: unknown, n: number) => {
  calls.n++
  return [Array.isArray(x) ? 0 in x : typeof x === 'object' && x !== null ? [Buffer.isBuffer(x), 'toString' in x] : x, n]
})
`)
  for (const [what, a, b] of PAIRS) {
    const before = mod.calls.n
    const ra = mod.probe(a(), 7)
    const rb = mod.probe(b(), 7)
    assert.is.not(JSON.stringify(ra), JSON.stringify(rb), what)
    assert.equal(mod.probe(a(), 7), ra, what)
    assert.equal(mod.probe(b(), 7), rb, what)
    assert.is(mod.calls.n - before, 2, what)
  }
})

paths.run()
