// Picks the cache a command acts on: `--dir` (file backend) or `--redis` (Redis backend), exactly one.

import { CliError, EXIT, usage } from './errors.js'
import type { Options } from './context.js'
import type { Target } from './entries.js'
import { openFile } from './file-target.js'

export async function openTarget(o: Options): Promise<Target> {
  if (o.dir !== undefined && o.redis !== undefined) throw usage('pass either --dir or --redis, not both.')
  if (o.dir !== undefined) return openFile(o.dir)
  if (o.redis !== undefined) return openRedis(o.redis, o)
  const env = process.env.FNCACHE_REDIS_URL
  if (env) return openRedis(env, o, 'FNCACHE_REDIS_URL')
  throw new CliError('E_USAGE', 'which cache? Pass --dir <path> (file backend) or --redis <url> (or set FNCACHE_REDIS_URL).', EXIT.USAGE,
    'fncache stats --dir node_modules/.cache/fncache')
}

/** Runs `f` with an open target and always closes it. */
export async function withTarget<T>(o: Options, f: (t: Target) => Promise<T>): Promise<T> {
  const t = await openTarget(o)
  try {
    return await f(t)
  } finally {
    await t.close().catch(() => {})
  }
}

/**
 * The Redis target, loaded only when asked for: it needs the optional peer ioredis, which users of
 * the file backend need not install.
 */
async function openRedis(url: string, o: Options, source = '--redis'): Promise<Target> {
  let target: typeof import('./redis-target.js')
  try {
    target = await import('./redis-target.js')
  } catch (e) {
    const { code, message } = e as { code?: string; message?: string }
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]ioredis['"]/.test(message ?? '')) {
      throw new CliError('E_MISSING_PEER', '--redis needs the ioredis package, which is not installed.', EXIT.USAGE, 'npm install ioredis')
    }
    throw e
  }
  return target.openRedis(url, o.namespace, o.timeout, source)
}
