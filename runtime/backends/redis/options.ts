// redis() options: validation (errors name the option and the fix) and the ioredis client.

import { Redis, type Cluster, type RedisOptions } from 'ioredis'
import { describe, typeError, warnOnce } from '../../errors.js'
import { nearest } from '../../nearest.js'

/** A connected (or lazily connecting) ioredis client: a `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster

/** Distributed stampede protection: see {@link RedisBackendOptions.lock}. */
export interface LockOptions {
  /**
   * How long a lease lasts (ms): a holder that dies stops blocking the others after this long.
   * Make it longer than the slowest computation.
   * @default 5000
   */
  leaseMs?: number
  /**
   * How long a caller that finds the lease taken waits for the holder's result (ms) before it
   * computes the value itself.
   * @default leaseMs
   */
  waitMs?: number
}

/** Options of {@link redis}: `url` or `client`, not both. */
export interface RedisBackendOptions {
  /**
   * `redis://[user:password@]host[:port][/db]` or `rediss://...` (TLS). AUTH and the database come
   * from the URL. The backend owns this connection and quits it on close().
   */
  url?: string
  /**
   * An existing ioredis `Redis` or `Cluster`. It is left open on close(). Give it a
   * `commandTimeout` (`redisOptions.commandTimeout` for a Cluster) so a hung server cannot hold callers.
   */
  client?: RedisClient
  /**
   * The first part of every Redis key this backend writes (`<namespace>:v:<key>`), so several
   * applications or test runs can share one server.
   * @default 'fncache'
   */
  namespace?: string
  /**
   * With `url`: how long a command may take before it fails (ms). The runtime then serves the call
   * without the cache, so this bounds the delay a hung server can add to a call. `0`: no timeout.
   * @default 1000
   */
  commandTimeout?: number
  /**
   * With `url`: commands issued in the same tick leave in one socket write. The first command of
   * a tick is written at once (a lone sequential hit waits for nothing); later ones are corked
   * until the tick ends. Reads made while a lone GET awaits its reply leave together as one MGET
   * at the end of their tick. Cheaper than ioredis' `enableAutoPipelining`, which defers every command.
   * @default true
   */
  autoPipelining?: boolean
  /** With `url`: connect on the first command instead of at once. @default false */
  lazyConnect?: boolean
  /** With `url`: TLS options (a `rediss://` URL turns TLS on by itself). */
  tls?: RedisOptions['tls']
  /** With `url`: more ioredis options, applied last. */
  redisOptions?: RedisOptions
  /**
   * Distributed stampede protection: `true` or `{ leaseMs, waitMs }`. A process that misses takes a
   * lease (`SET NX PX`) before computing; the others wait up to `waitMs` for its result, retrying the
   * lease, so a holder that dies blocks nobody past `leaseMs`.
   * @default false
   */
  lock?: boolean | LockOptions
}

export interface Resolved {
  client: RedisClient
  owned: boolean
  /** Whether the backend corks the socket for the rest of a tick after its first command. */
  cork: boolean
  prefix: string
  lock: Required<LockOptions> | undefined
}

const KNOWN = ['url', 'client', 'namespace', 'commandTimeout', 'autoPipelining', 'lazyConnect', 'tls', 'redisOptions', 'lock']
const URL_ONLY = ['commandTimeout', 'autoPipelining', 'lazyConnect', 'tls', 'redisOptions'] as const

const bad = (message: string, fix?: string) => typeError('E_OPTION', `redis(): ${message}`, fix)

function isClient(c: unknown): c is RedisClient {
  return c !== null && typeof c === 'object' && typeof (c as { isCluster?: unknown }).isCluster === 'boolean'
    && typeof (c as { getBuffer?: unknown }).getBuffer === 'function'
}

function ms(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw bad(`option ${name} must be an integer of milliseconds >= ${min}; received ${describe(v)}.`)
  }
  return v
}

export function resolve(options: RedisBackendOptions): Resolved {
  if (options === null || typeof options !== 'object') {
    throw bad(`expects an options object; received ${describe(options)}.`, "redis({ url: 'redis://127.0.0.1:6379' })")
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) {
      const hint = nearest(name, KNOWN)
      throw bad(`no option "${name}"${hint ? `; did you mean "${hint}"?` : `; valid options are ${KNOWN.join(', ')}.`}`)
    }
  }
  const { url, client, namespace = 'fncache', lock } = options
  if (url !== undefined && client !== undefined) {
    throw bad('pass url or client, not both.', 'redis({ url }) to let fncache own the connection, or redis({ client }) to share yours')
  }
  if (url === undefined && client === undefined) {
    throw bad('needs a url or a client.', "redis({ url: 'redis://127.0.0.1:6379' }) or redis({ client: new Redis() })")
  }
  if (typeof namespace !== 'string') throw bad(`option namespace must be a string; received ${describe(namespace)}.`)
  if (/[*?[\]\\{}]/.test(namespace)) {
    throw bad(`option namespace must not contain glob characters (* ? [ ] \\) or braces; received ${JSON.stringify(namespace)}.`, "namespace: 'myapp'")
  }
  const prefix = namespace === '' ? '' : namespace + ':'

  let lk: Required<LockOptions> | undefined
  if (lock === true) lk = { leaseMs: 5_000, waitMs: 5_000 }
  else if (lock !== undefined && lock !== false) {
    if (lock === null || typeof lock !== 'object') throw bad(`option lock must be true, false or { leaseMs, waitMs }; received ${describe(lock)}.`)
    for (const name of Object.keys(lock)) {
      if (name !== 'leaseMs' && name !== 'waitMs') throw bad(`option lock has no field "${name}"; valid fields are leaseMs, waitMs.`)
    }
    const leaseMs = lock.leaseMs === undefined ? 5_000 : ms('lock.leaseMs', lock.leaseMs, 1)
    const waitMs = lock.waitMs === undefined ? leaseMs : ms('lock.waitMs', lock.waitMs, 0)
    lk = { leaseMs, waitMs }
  }

  if (client !== undefined) {
    if (!isClient(client)) {
      throw bad(`option client must be an ioredis Redis or Cluster instance; received ${describe(client)}.`, "redis({ client: new Redis('redis://...') })")
    }
    const used = URL_ONLY.filter((n) => options[n] !== undefined)
    if (used.length > 0) {
      throw bad(`option${used.length > 1 ? 's' : ''} ${used.join(', ')} appl${used.length > 1 ? 'y' : 'ies'} to connections made from a url; set ${used.length > 1 ? 'them' : 'it'} on your client instead.`)
    }
    const o = (client as { options?: { keyPrefix?: string; commandTimeout?: number; redisOptions?: { keyPrefix?: string; commandTimeout?: number } } }).options ?? {}
    const keyPrefix = o.keyPrefix || o.redisOptions?.keyPrefix
    if (keyPrefix) {
      throw bad(`the client has the ioredis keyPrefix ${JSON.stringify(keyPrefix)}, which SCAN patterns and script arguments do not get; prefix and tag invalidation would miss keys.`,
        `pass a client without keyPrefix and redis({ client, namespace: ${JSON.stringify(keyPrefix.replace(/:$/, ''))} })`)
    }
    if (o.commandTimeout === undefined && o.redisOptions?.commandTimeout === undefined) {
      warnOnce('FNCACHE_REDIS_NO_TIMEOUT', 'client', 'redis(): the client passed in has no commandTimeout, so a hung Redis server can delay cached calls without bound. Set commandTimeout (redisOptions.commandTimeout for a Cluster), e.g. 1000.')
    }
    // A standalone client that does not auto-pipeline gets tick batching; a Cluster routes per node itself.
    const cork = !client.isCluster && !(client as Redis).options?.enableAutoPipelining
    return { client, owned: false, cork, prefix, lock: lk }
  }

  if (typeof url !== 'string' || !/^rediss?:\/\//i.test(url)) {
    throw bad(`option url must be a redis:// or rediss:// URL; received ${describe(url)}.`, "url: 'redis://user:password@127.0.0.1:6379/0'")
  }
  const commandTimeout = options.commandTimeout === undefined ? 1_000 : ms('commandTimeout', options.commandTimeout, 0)
  if (options.autoPipelining !== undefined && typeof options.autoPipelining !== 'boolean') throw bad(`option autoPipelining must be a boolean; received ${describe(options.autoPipelining)}.`)
  if (options.lazyConnect !== undefined && typeof options.lazyConnect !== 'boolean') throw bad(`option lazyConnect must be a boolean; received ${describe(options.lazyConnect)}.`)
  if (options.redisOptions !== undefined && (options.redisOptions === null || typeof options.redisOptions !== 'object')) throw bad(`option redisOptions must be an object of ioredis options; received ${describe(options.redisOptions)}.`)
  if (options.redisOptions?.keyPrefix) throw bad('redisOptions.keyPrefix is not supported (SCAN patterns would miss it).', `namespace: ${JSON.stringify(options.redisOptions.keyPrefix.replace(/:$/, ''))}`)

  const made = new Redis(url, {
    // Batching is done by the backend (see autoPipelining): ioredis' own would defer every command.
    enableAutoPipelining: false,
    commandTimeout: commandTimeout === 0 ? undefined : commandTimeout,
    lazyConnect: options.lazyConnect ?? false,
    // Fail fast while disconnected: commands wait in the offline queue (bounded by
    // commandTimeout), are retried once after a reconnect, and reconnection never stops.
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(commandTimeout, 2_000),
    // Reconnect attempts at most 500 ms apart (a refused connect costs nothing), so with the
    // breaker's probe (<= 1 s apart) the cache is back within ~1.5 s of the server.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 500),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...options.redisOptions,
  })
  // The runtime reports failed commands (once) and counts them; the connection's own error
  // events (refused, reset) would otherwise be printed by ioredis on every reconnect attempt.
  made.on('error', () => {})
  return { client: made, owned: true, cork: options.autoPipelining ?? true, prefix, lock: lk }
}
