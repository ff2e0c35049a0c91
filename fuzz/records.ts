// Record fuzzing through the whole read path: a cached function on a file backend (entry files
// overwritten on disk) or a Redis backend (values overwritten with SET), with random, hostile and
// mutated bytes. Each call must return (never throw into the caller, never hang), serve either the
// function's own result or exactly the value of a well-formed record for that key and version,
// and leave every shared prototype untouched.

import { execFileSync } from 'node:child_process'
import { appendFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { cached, configure } from '../runtime/index.js'
import { resetForTests } from '../runtime/configure.js'
import { resetWarnings } from '../runtime/errors.js'
import { encodeRecord, decodeRecord } from '../runtime/codec.js'
import { unseal } from '../runtime/sign.js'
import { boundKey } from '../runtime/hash.js'
import { file } from '../runtime/backends/file/index.js'
import { Layout } from '../runtime/backends/file/layout.js'
import { encodeEntry as fileEntry, decodeEntry as fileDecode } from '../runtime/backends/file/record.js'
import { encodeEntry as redisEntry, decodeEntry as redisDecode } from '../runtime/backends/redis/format.js'
import { concat, foreignPrototype, hostileRecords, mutate, prng, protoSnapshot, randomBytes, richValue, type Rng } from './bytes.js'

export interface Failure {
  target: string
  seed: number
  case: number
  kind: string
  problem: string
  /** The stored bytes, hex (first 2 KiB). */
  bytes: string
  stack?: string
}

export interface FuzzReport {
  target: string
  cases: number
  ms: number
  /** Calls answered from a crafted record (the rest ran the function). */
  served: number
  slowestMs: number
  /** The kind and case number of the slowest call. */
  slowest: string
  /**
   * The costliest record to decode, in ms: the 5 slowest decodes of the run timed again 5 times
   * each, the least of each kept (scheduler and GC noise removed), the greatest of those reported.
   */
  slowestDecodeMs: number
  slowestDecode: string
  failures: Failure[]
}

export interface FuzzOptions {
  cases: number
  seed: number
  /** Fails a case that takes longer than this (a decode that hangs or allocates gigabytes). @default 2000 */
  slowMs?: number
  onProgress?: (done: number) => void
  /**
   * Replays stored bytes from a failure log instead of generating cases: each under the key of
   * `case % 1024`, as the original run wrote them (`cases` and `seed` are then only labels).
   */
  replay?: readonly { case: number; bytes: string; kind?: string }[]
  /** Called after every case with what the oracle expected and what the call returned. */
  onCase?: (info: { case: number; kind: string; want: unknown; out: unknown }) => void
}

const VERSION = 'v1'
const KEYS = 1024
const FAR = 8e15
const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 2048)).toString('hex')

/** The runtime record (codec bytes) of one case, and what kind of case it is. */
function recordCase(r: Rng, full: string, hostile: Uint8Array[], donor: Uint8Array): { kind: string; bytes: Uint8Array } {
  const good = (value: unknown, over: Record<string, unknown> = {}) =>
    encodeRecord({ key: full, version: VERSION, created: 1, fresh: FAR, stale: FAR, tags: ['t'], value, ...over }) ??
    encodeRecord({ key: full, version: VERSION, created: 1, fresh: FAR, stale: FAR, tags: ['t'], value: null })!
  const roll = r.int(100)
  if (roll < 5) return { kind: 'control', bytes: good({ marker: r.int(1e9) }) }
  if (roll < 15) return { kind: 'rich', bytes: good(richValue(r)) }
  if (roll < 20) return { kind: 'other-key-or-version', bytes: good(richValue(r), r.chance(0.5) ? { key: full + 'x' } : { version: 'v2' }) }
  if (roll < 30) return { kind: 'hostile', bytes: r.pick(hostile) }
  if (roll < 45) return { kind: 'mutated-hostile', bytes: mutate(r, r.pick(hostile), donor) }
  if (roll < 85) return { kind: 'mutated-rich', bytes: mutate(r, good(richValue(r)), donor) }
  if (roll < 92) return { kind: 'random-after-header', bytes: concat(Uint8Array.of(0xda, 0x66, 0x6e, 0x63, 0x01, 0x87), randomBytes(r)) }
  return { kind: 'random', bytes: randomBytes(r) }
}

/**
 * What the runtime may answer for a stored record: its value, or NOT_SERVED (the function must run).
 * `record` must be the bytes exactly as the backend hands them to the runtime (a Buffer from Redis
 * and from files, not a copy): cbor-x decodes an untagged byte string as a Buffer from a Buffer
 * and as a Uint8Array from a Uint8Array, so a crafted record decodes differently from a copy
 * (and tag 27 with byte-string flags, `RegExp(source, Buffer)`, only decodes from a Buffer).
 * Unsealed like the runtime does when it does not sign (readRecord).
 */
export const NOT_SERVED = Symbol('not served')
export function expected(record: Uint8Array | undefined, full: string): unknown {
  if (record === undefined) return NOT_SERVED
  const rec = decodeRecord(unseal(record))
  if (rec === undefined || rec.key !== full || rec.version !== VERSION || !(rec.fresh > Date.now())) return NOT_SERVED
  return rec.value
}

class InvalidDate {}
/**
 * `value` with every invalid Date replaced by an InvalidDate instance, for comparison only:
 * isDeepStrictEqual compares Dates by getTime() with !==, so two invalid Dates (NaN) never match,
 * yet encodeRecord stores `new Date(NaN)` and decodeRecord gives it back. Containers are rebuilt
 * with their prototype and own keys; anything else is kept as is.
 */
function comparable(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return seen.get(value)
  const proto = Object.getPrototypeOf(value)
  if (proto === Date.prototype) return Number.isNaN((value as Date).getTime()) ? new InvalidDate() : value
  if (proto === Map.prototype) {
    const out = new Map<unknown, unknown>()
    seen.set(value, out)
    for (const [k, x] of value as Map<unknown, unknown>) out.set(comparable(k, seen), comparable(x, seen))
    return out
  }
  if (proto === Set.prototype) {
    const out = new Set<unknown>()
    seen.set(value, out)
    for (const x of value as Set<unknown>) out.add(comparable(x, seen))
    return out
  }
  if (proto !== Array.prototype && proto !== Object.prototype && proto !== null) return value
  const out: Record<PropertyKey, unknown> = Array.isArray(value) ? new Array((value as unknown[]).length) : Object.create(proto)
  seen.set(value, out)
  const descriptors = Object.getOwnPropertyDescriptors(value)
  for (const k of Reflect.ownKeys(descriptors)) {
    if (k === 'length' && Array.isArray(value)) continue
    const d = descriptors[k as string]!
    if ('value' in d) d.value = comparable(d.value, seen)
    Object.defineProperty(out, k, d)
  }
  return out
}

/** isDeepStrictEqual, except that two invalid Dates are equal. */
export const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b) || isDeepStrictEqual(comparable(a), comparable(b))

interface Target {
  name: string
  call(arg: number): unknown
  /** Overwrites the stored entry of `arg` with `bytes`; returns the runtime record inside them, if any. */
  write(arg: number, full: string, bytes: Uint8Array): void | Promise<void>
  /** The stored bytes for a runtime record (the backend's framing), sometimes mutated. */
  frame(r: Rng, sk: string, record: Uint8Array): Uint8Array
  /** The runtime record a backend would hand over for these stored bytes (undefined: a miss before decoding). */
  unframe(sk: string, stored: Uint8Array): Uint8Array | undefined
  key(arg: number): string
  /** Plants something other than bytes at the entry (a FIFO, a link, a huge file, an index line); returns its kind. */
  plant?(r: Rng, arg: number, full: string): string
  close(): Promise<void>
}

async function run(target: Target, options: FuzzOptions): Promise<FuzzReport> {
  const r = prng(options.seed)
  const slowMs = options.slowMs ?? 2000
  const failures: Failure[] = []
  const before = protoSnapshot()
  let served = 0
  let slowest = 0
  let slowestCase = ''
  const slowDecodes: { ms: number; bytes: Uint8Array; sk: string; full: string; what: string }[] = []
  const started = Date.now()
  const replay = options.replay
  const total = replay === undefined ? options.cases : replay.length
  // Every key stored once for real first: the directories and the genuine records exist.
  if (replay === undefined) for (let arg = 0; arg < Math.min(KEYS, options.cases); arg++) await target.call(arg)
  else for (const c of replay) await target.call(c.case % KEYS)
  for (let n = 0; n < total; n++) {
    const i = replay === undefined ? n : replay[n]!.case
    const arg = i % KEYS
    const full = target.key(arg)
    const sk = boundKey(full)
    let kind: string
    let stored: Uint8Array
    const special = replay === undefined && target.plant !== undefined && r.chance(0.04)
    if (special) {
      kind = target.plant!(r, arg, full)
      stored = new Uint8Array(0)
    } else if (replay === undefined) {
      const hostile = hostileRecords(full, VERSION)
      const donor = encodeRecord({ key: full, version: VERSION, created: 1, fresh: FAR, stale: FAR, tags: ['a', 'b'], value: richValue(r) }) ?? hostile[0]!
      const c = recordCase(r, full, hostile, donor)
      kind = c.kind
      stored = target.frame(r, sk, c.bytes)
    } else {
      kind = replay[n]!.kind ?? 'replay'
      stored = new Uint8Array(Buffer.from(replay[n]!.bytes, 'hex'))
    }
    const d0 = performance.now()
    const want = special ? NOT_SERVED : expected(target.unframe(sk, stored), full)
    const dms = performance.now() - d0
    if (!special && (slowDecodes.length < 5 || dms > slowDecodes[4]!.ms)) {
      slowDecodes.push({ ms: dms, bytes: stored, sk, full, what: `${kind} case ${i} (${stored.length} bytes)` })
      slowDecodes.sort((a, b) => b.ms - a.ms)
      slowDecodes.length = Math.min(5, slowDecodes.length)
    }
    const fail = (problem: string, e?: unknown) => failures.push({
      target: target.name, seed: options.seed, case: i, kind, problem, bytes: hex(stored),
      ...(e instanceof Error ? { stack: e.stack } : {}),
    })
    if (!special) await target.write(arg, full, stored)
    const t0 = performance.now()
    let out: unknown
    try {
      out = await target.call(arg)
    } catch (e) {
      fail(`the call threw: ${String(e)}`, e)
      continue
    } finally {
      const ms = performance.now() - t0
      if (ms > slowest) { slowest = ms; slowestCase = `${kind} case ${i} (${stored.length} bytes)` }
      if (ms > slowMs) fail(`the call took ${Math.round(ms)} ms`)
    }
    const genuine = { genuine: arg }
    options.onCase?.({ case: i, kind, want, out })
    if (want === NOT_SERVED) {
      if (!isDeepStrictEqual(out, genuine)) fail(`served ${String(out)} from a record that must be a miss`)
    } else if (sameValue(out, want)) {
      if (!isDeepStrictEqual(out, genuine)) served++
    } else {
      fail('a well-formed fresh record for this key was not served as stored')
    }
    const foreign = foreignPrototype(out)
    if (foreign !== undefined) fail(`the served value holds an object with ${foreign}`)
    if (protoSnapshot() !== before) {
      fail('a shared prototype (or globalThis.polluted) changed')
      break
    }
    if (failures.length >= 20) break
    if ((n + 1) % 1000 === 0) options.onProgress?.(n + 1)
  }
  await target.close()
  let slowestDecodeMs = 0
  let slowestDecode = ''
  for (const c of slowDecodes) {
    let best = Infinity
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      expected(target.unframe(c.sk, c.bytes), c.full)
      best = Math.min(best, performance.now() - t0)
    }
    if (best > slowestDecodeMs) { slowestDecodeMs = best; slowestDecode = c.what }
  }
  return {
    target: target.name, cases: total, ms: Date.now() - started, served, slowestMs: Math.round(slowest * 10) / 10, slowest: slowestCase,
    slowestDecodeMs: Math.round(slowestDecodeMs * 100) / 100, slowestDecode, failures,
  }
}

/** A synchronous function on a file backend with no in-memory copies: every call reads the file. */
export async function fuzzFile(options: FuzzOptions & { dir?: string }): Promise<FuzzReport> {
  resetForTests()
  resetWarnings()
  const own = options.dir === undefined
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fncache-fuzz-'))
  const backend = file({ dir, memoryEntries: 0, pruneInterval: 0 })
  configure({ backends: { disk: backend }, onError: () => {} })
  const f = cached((n: number) => ({ genuine: n }), { id: 'fuzz/records.ts#onFile', backend: 'disk', version: VERSION })
  const layout = new Layout(dir)
  // Next to the cache: a canary file that planted links point at, and a FIFO hard-linked as entries.
  const side = mkdtempSync(join(tmpdir(), 'fncache-fuzz-side-'))
  const canary = join(side, 'canary.txt')
  writeFileSync(canary, 'canary')
  const canaryBefore = statSync(canary).mtimeMs
  const fifo = join(side, 'fifo')
  execFileSync('mkfifo', [fifo])
  const plant = (r: Rng, _arg: number, full: string): string => {
    const loc = layout.locate(boundKey(full))
    rmSync(loc.path, { force: true })
    mkdirSync(loc.groupDir, { recursive: true })
    switch (r.int(5)) {
      case 0: linkSync(fifo, loc.path); return 'plant-fifo'
      case 1: symlinkSync('/dev/zero', loc.path); return 'plant-dev-zero'
      case 2: symlinkSync(canary, loc.path); return 'plant-link-out'
      case 3: writeFileSync(loc.path, ''); truncateSync(loc.path, 200 * 1024 * 1024); return 'plant-huge-sparse'
      default:
        appendFileSync(layout.tagPath('t'), `${'../'.repeat(12)}${canary.slice(1)} ${statSync(canary).ino}\n`)
        backend.invalidateTagsSync(['t'])
        return 'plant-traversal-line'
    }
  }
  try {
    const report = await run({
      name: 'file',
      call: (arg) => f(arg),
      key: (arg) => f.key(arg),
      frame: (r, sk, record) => {
        const entry = fileEntry(sk, record, r.chance(0.9) ? Infinity : Date.now() + 1e9, r.chance(0.5) ? [] : ['t'])
        const roll = r.int(100)
        if (roll < 80) return entry
        if (roll < 95) return mutate(r, entry)
        return randomBytes(r, 64)
      },
      unframe: (sk, stored) => {
        const e = fileDecode(Buffer.from(stored))
        return e === undefined || e.key !== sk || !(e.expires > Date.now()) ? undefined : e.value
      },
      write: (_arg, full, bytes) => writeFileSync(layout.locate(boundKey(full)).path, bytes),
      plant,
      close: async () => { await backend.close() },
    }, options)
    if (readFileSync(canary, 'utf8') !== 'canary' || statSync(canary).mtimeMs !== canaryBefore) {
      report.failures.push({ target: 'file', seed: options.seed, case: -1, kind: 'canary', problem: 'a file outside the cache directory was changed or touched', bytes: '' })
    }
    return report
  } finally {
    resetForTests()
    rmSync(side, { recursive: true, force: true })
    if (own) rmSync(dir, { recursive: true, force: true })
  }
}

/** An async function on a Redis backend; values overwritten through a second connection. */
export async function fuzzRedis(options: FuzzOptions & { url: string }): Promise<FuzzReport> {
  const { redis } = await import('../runtime/backends/redis/index.js')
  const { Redis } = await import('ioredis')
  resetForTests()
  resetWarnings()
  const namespace = `fuzz${process.pid}x${options.seed}`
  const backend = redis({ url: options.url, namespace, commandTimeout: 10_000 })
  const admin = new Redis(options.url)
  configure({ backends: { shared: backend }, onError: () => {} })
  const f = cached(async (n: number) => ({ genuine: n }), { id: 'fuzz/records.ts#onRedis', backend: 'shared', version: VERSION })
  try {
    return await run({
      name: 'redis',
      call: (arg) => f(arg),
      key: (arg) => f.key(arg),
      frame: (r, _sk, record) => {
        const entry = new Uint8Array(redisEntry(record, r.chance(0.5) ? [] : ['t', 'u']))
        const roll = r.int(100)
        if (roll < 75) return entry
        if (roll < 85) return record // no framing: a foreign writer
        if (roll < 95) return mutate(r, entry)
        return randomBytes(r, 64)
      },
      // A Buffer (view), as ioredis hands it to the backend: not a Uint8Array copy (see expected()).
      unframe: (_sk, stored) => redisDecode(Buffer.from(stored)),
      write: async (_arg, full, bytes) => { await admin.set(backend.entryKey(boundKey(full)), Buffer.from(bytes)) },
      close: async () => {
        await backend.close()
        await admin.quit()
      },
    }, options)
  } finally {
    resetForTests()
  }
}
