// A Redis server seen from the CLI: listings SCAN `<namespace>:v:*` (never KEYS) and read each
// batch with one pipeline of GET + PTTL; invalidation and clear run through the Redis backend and
// are announced on its bus, so tiered caches (memory L1 over this Redis) drop their copies too.
// The connection is bounded: a server that does not answer within the timeout is an error.

import type { Redis } from 'ioredis'
import { redis as redisBackend, type RedisBackend } from '../runtime/backends/redis/index.js'
import { HEADER, MAGIC, decodeEntry } from '../runtime/backends/redis/format.js'
import { escapeGlob } from '../runtime/backends/redis/glob.js'
import { CliError, EXIT, redact } from './errors.js'
import { entryOf, type Target } from './entries.js'

const SCAN_COUNT = 1_000

/**
 * Checks the URL's shape before any network I/O, so a typo is a clear error and not a hang.
 * `source` names where it came from (`--redis` or `FNCACHE_REDIS_URL`); messages show it redacted.
 */
export function checkUrl(url: string, source = '--redis'): URL {
  const shown = JSON.stringify(redact(url))
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new CliError('E_BAD_URL', `${source} ${shown} is not a URL.`, EXIT.UNREACHABLE, 'redis://[user:password@]host[:port][/db], e.g. redis://127.0.0.1:6379')
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new CliError('E_BAD_URL', `${source} expects a redis:// or rediss:// URL; received the scheme ${JSON.stringify(u.protocol)}.`, EXIT.UNREACHABLE, 'redis://127.0.0.1:6379')
  }
  if (!u.hostname) throw new CliError('E_BAD_URL', `${source} ${shown} names no host.`, EXIT.UNREACHABLE, 'redis://127.0.0.1:6379')
  const db = u.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d+$/.test(db)) throw new CliError('E_BAD_URL', `${source}: the database in ${shown} must be a number; received ${JSON.stringify(db)}.`, EXIT.UNREACHABLE)
  return u
}

/** The tag list of a stored entry's frame (format.ts): `\0a\0b\0` after the 5-byte header. */
function tagsOf(stored: Buffer): string[] | undefined {
  if (stored.length < HEADER || stored[0] !== MAGIC) return undefined
  const len = stored.readUInt32BE(1)
  if (len === 0) return []
  return stored.subarray(HEADER, HEADER + len).toString('utf8').split('\0').filter((t) => t !== '')
}

/** Connects (bounded by `timeoutMs`) and answers a PING before anything else runs. */
export async function openRedis(url: string, namespace: string, timeoutMs: number, source = '--redis'): Promise<Target> {
  const u = checkUrl(url, source)
  let Ctor: typeof Redis
  try {
    ;({ Redis: Ctor } = await import('ioredis'))
  } catch {
    throw new CliError('E_MISSING_PEER', '--redis needs the ioredis package, which is not installed.', EXIT.USAGE, 'npm install ioredis')
  }
  const client = new Ctor(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  let lastError = ''
  client.on('error', (e: Error) => { lastError = (e as NodeJS.ErrnoException).code ?? e.message }) // reported below
  const unreachable = (why: string) => new CliError('E_UNREACHABLE',
    `the Redis server at ${u.host} did not answer within ${timeoutMs} ms (${why}).`, EXIT.UNREACHABLE, 'check the URL, or raise --timeout')
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ])
  } catch (e) {
    client.disconnect()
    const msg = lastError || ((e as Error).message ?? String(e))
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(msg)) {
      throw new CliError('E_AUTH', `the Redis server at ${u.host} refused the credentials: ${msg}.`, EXIT.UNREACHABLE, 'put them in the URL: redis://user:password@host:6379')
    }
    throw unreachable(msg)
  }

  const vp = `${namespace}:v:`
  let backend: RedisBackend | undefined
  const open = () => (backend ??= redisBackend({ client, namespace }))
  const announce = async (message: { op: 'tags'; tags: string[]; soft?: boolean } | { op: 'prefix'; prefixes: string[]; soft?: boolean } | { op: 'clear' }) => {
    const bus = open().createBus()
    try { await bus.publish({ ...message, origin: 'fncache-cli' }) } finally { await bus.close() }
  }

  return {
    label: `redis ${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname} (namespace ${namespace})`,
    kind: 'redis',
    async *entries(prefix, onProgress) {
      const pattern = escapeGlob(vp + (prefix ?? '')) + '*'
      let cursor = '0'
      let scanned = 0
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)
        cursor = next
        if (keys.length === 0) continue
        const p = client.pipeline()
        for (const k of keys) p.getBuffer(k)
        const replies = (await p.exec()) ?? []
        scanned += keys.length
        onProgress(scanned)
        for (let i = 0; i < keys.length; i++) {
          const [err, stored] = replies[i] as [Error | null, Buffer | null]
          if (err) throw err
          if (stored === null) continue // expired or deleted since the SCAN
          const storageKey = keys[i]!.slice(vp.length)
          const tags = tagsOf(stored)
          yield entryOf(storageKey, tags === undefined ? undefined : decodeEntry(stored), stored.length, tags)
        }
      } while (cursor !== '0')
    },
    async invalidate(tags, prefixes, soft = false) {
      const b = open()
      // Stamped: a computation in flight in a service cannot write an invalidated value back.
      const at = Date.now()
      const opts = soft ? { at, soft } : { at }
      const t = tags.length ? await b.invalidateTags(tags, opts) : 0
      const p = prefixes.length ? await b.invalidatePrefix(prefixes, opts) : 0
      if (tags.length) await announce(soft ? { op: 'tags', tags, soft } : { op: 'tags', tags })
      if (prefixes.length) await announce(soft ? { op: 'prefix', prefixes, soft } : { op: 'prefix', prefixes })
      return { tags: t, prefixes: p }
    },
    async clear() {
      await open().clear({ at: Date.now() })
      await announce({ op: 'clear' })
    },
    async close() {
      await backend?.close()
      try { await client.quit() } catch { client.disconnect() }
    },
  }
}
