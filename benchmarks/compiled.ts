// HOOK for "fncache compiled": fncache called the way the macro's output calls it. Today these
// are hand-written copies of what the transform is meant to emit (`wrapCompiled(fn, { compiled: true,
// params, keyOf })`, falling back to `wrap` on a runtime without it); a later step replaces the bodies of these factories with code really
// compiled by the macro (e.g. import them from a file built by babel-plugin-macros from
// benchmarks/compiled.source.ts). Keep the signatures: scenarios call them with the runtime API
// and the underlying function, and get back the cached function.
import type { FncacheApi } from './fncache.js'

/** The entry the transform emits for these options (no run-time normaliser), else wrap. */
const wrapOf = (api: FncacheApi) => api.wrapCompiled ?? api.wrap

/** The macro's specialised key for one number parameter (today: no keyOf, the runtime's fast path for `params: ['n']`). */
export function compiled1Number(api: FncacheApi, fn: (n: number) => unknown, id: string) {
  return wrapOf(api)(fn, { id, version: 'bench', compiled: true, params: ['n'] })
}

/** The macro's specialised key for (string, number, boolean): a direct string build behind a type guard. */
export function compiled3Args(api: FncacheApi, fn: (s: string, n: number, b: boolean) => unknown, id: string) {
  return wrapOf(api)(fn, {
    id,
    version: 'bench',
    compiled: true,
    params: ['s', 'n', 'b'],
    keyOf: (s: unknown, n: unknown, b: unknown) =>
      typeof s === 'string' && typeof n === 'number' && typeof b === 'boolean'
        ? JSON.stringify(s) + ',' + (n === 0 && 1 / n < 0 ? '-0' : '' + n) + ',' + b
        : undefined,
  })
}

/** One plain-object parameter without a type the macro can read: params only (the runtime's object path). */
export function compiledObject(api: FncacheApi, fn: (o: { id: number; page: number }) => unknown, id: string) {
  return wrapOf(api)(fn, { id, version: 'bench', compiled: true, params: ['o'] })
}

/**
 * One plain-object parameter typed `{ id: number; page: number }`: the macro emits the shape it
 * reads from the type (tests/fixtures/transform/object-shape), so the hit path skips the shape lookup.
 */
export function compiledObjectTyped(api: FncacheApi, fn: (o: { id: number; page: number }) => unknown, id: string) {
  return api.wrap(fn, { id, compiled: true, params: ['o'], shape: ['id', 'page'] })
}
