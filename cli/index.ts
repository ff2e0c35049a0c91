#!/usr/bin/env node
// The `fncache` command: inspect and maintain a file or Redis cache (stats, ls, invalidate, clear)
// and list the cached functions of a codebase as the build identifies them (ids). docs/cli.md.

import { parseArgs } from 'node:util'
import { CliError, EXIT, redact, usage } from './errors.js'
import { createContext, type Context, type Options } from './context.js'

const HELP = `fncache <command> [options]

Commands
  stats                     entries, bytes and versions per function id (--by file: per source file)
  ls [--prefix P]           keys with their age, TTL left and size (--limit N)
  invalidate --tag T --prefix P   remove entries by tag and/or key prefix (each repeatable); --soft:
                            mark them stale instead (served within staleWhileRevalidate while one refresh runs)
  clear --yes               remove every entry
  ids <files|dirs|globs>    the cached functions the transform finds, with id and version
  ids <...> --diff old.json which functions a deploy starts afresh (--exit-code: exit 6 if any)
  top --url URL | --port N  live table of a running process's functions by time saved (--once, --json)

Cache (stats, ls, invalidate, clear)
  --dir <path>              a file backend directory (file({ dir }))
  --redis <url>             a Redis server, redis://[user:pass@]host[:port][/db] (or FNCACHE_REDIS_URL)
  --namespace <ns>          the Redis backend's key namespace (redis({ namespace })), default fncache
  --scope <ns>              the app's namespace (configure() or transform config): prepended to --tag
                            and --prefix; repeat it for each namespace, --scope '' for entries without one
  --timeout <ms>            how long to wait for the server, default 2000

Output
  --json                    machine-readable output on stdout (every command)
  --no-progress             no progress line on stderr during long scans

Exit codes: 0 ok, 1 internal error, 2 usage, 3 cache unreachable (missing dir, bad URL, no answer),
4 operation failed, 5 source problem (ids), 6 functions start afresh (ids --diff --exit-code).`

const COMMANDS: Record<string, (ctx: Context) => Promise<number>> = {
  stats: async (ctx) => (await import('./commands/stats.js')).stats(ctx),
  ls: async (ctx) => (await import('./commands/ls.js')).ls(ctx),
  invalidate: async (ctx) => (await import('./commands/invalidate.js')).invalidate(ctx),
  clear: async (ctx) => (await import('./commands/invalidate.js')).clear(ctx),
  ids: async (ctx) => (await import('./commands/ids.js')).ids(ctx),
}

// Options that only some commands read. Given to another command they would be ignored in silence
// (`clear --soft` would remove for good what the user meant to keep serving), so they are refused.
const ONLY: Record<string, readonly string[]> = {
  soft: ['invalidate'],
  yes: ['clear', 'invalidate'],
  tag: ['invalidate'],
  prefix: ['invalidate', 'ls'],
  limit: ['ls'],
  by: ['stats'],
  diff: ['ids'],
  'exit-code': ['ids'],
  root: ['ids'],
  'version-scope': ['ids'],
}

function parse(argv: string[]): { command: string | undefined; options: Options; positionals: string[]; help: boolean; given: string[] } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string' },
        redis: { type: 'string' },
        namespace: { type: 'string' },
        scope: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        prefix: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        limit: { type: 'string' },
        by: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        soft: { type: 'boolean' },
        diff: { type: 'string' },
        'exit-code': { type: 'boolean' },
        root: { type: 'string' },
        'version-scope': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    throw usage(((e as Error).message ?? String(e)).replace(/\. To specify.*$/s, '.'), 'fncache --help')
  }
  const v = parsed.values
  const [command, ...positionals] = parsed.positionals
  const int = (name: string, s: string | undefined, min: number): number | undefined => {
    if (s === undefined) return undefined
    const n = Number(s)
    if (!Number.isInteger(n) || n < min) throw usage(`--${name} must be an integer >= ${min}; received ${JSON.stringify(s)}.`)
    return n
  }
  if (v.by !== undefined && v.by !== 'function' && v.by !== 'file') throw usage(`--by must be "function" or "file"; received ${JSON.stringify(v.by)}.`)
  // The same rule as redis({ namespace }): SCAN patterns are built from it.
  if (v.namespace !== undefined && /[*?[\]\\{}]/.test(v.namespace)) {
    throw usage(`--namespace must not contain glob characters (* ? [ ] \\) or braces; received ${JSON.stringify(v.namespace)}.`, 'fncache stats --redis redis://127.0.0.1:6379 --namespace myapp')
  }
  return {
    command,
    positionals,
    help: v.help === true,
    given: Object.keys(v),
    options: {
      dir: v.dir,
      redis: v.redis,
      namespace: v.namespace ?? 'fncache',
      scope: v.scope ?? [],
      timeout: int('timeout', v.timeout, 1) ?? 2000,
      json: v.json === true,
      progress: v['no-progress'] !== true,
      prefix: v.prefix ?? [],
      tag: v.tag ?? [],
      limit: int('limit', v.limit, 0),
      by: (v.by ?? 'function') as Options['by'],
      yes: v.yes === true,
      soft: v.soft === true,
      diff: v.diff,
      exitCode: v['exit-code'] === true,
      root: v.root,
      versionScope: v['version-scope'],
    },
  }
}

/** Runs the CLI; resolves with the exit code (never calls process.exit, so tests can import it). */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  try {
    if (argv[0] === 'top') return await (await import('./commands/top.js')).top(argv.slice(1)) // own options: fncache top --help
    const { command, options, positionals, help, given } = parse(argv)
    if (help || command === 'help' || command === undefined) {
      process.stdout.write(HELP + '\n')
      return command === undefined && !help ? EXIT.USAGE : EXIT.OK
    }
    const run = COMMANDS[command]
    if (run === undefined) throw usage(`unknown command ${JSON.stringify(command)}; commands are ${Object.keys(COMMANDS).join(', ')}.`, 'fncache --help')
    for (const name of given) {
      const only = ONLY[name]
      if (only !== undefined && !only.includes(command)) {
        throw usage(`--${name} is an option of ${only.join(' and ')}; ${command} does not read it.`, `fncache ${only[0]} --help`)
      }
    }
    return await run(createContext(options, positionals))
  } catch (e) {
    const code = (e as { code?: string })?.code
    // An option error from the runtime or a backend (E_OPTION...) is a bad argument: usage, not a bug.
    const exit = typeof code === 'string' && code.startsWith('E_OPTION') ? EXIT.USAGE
      : e instanceof Error && !(e instanceof TypeError) ? EXIT.FAILED : EXIT.INTERNAL
    const err = e instanceof CliError ? e
      : new CliError(code && /^E_[A-Z_]+$/.test(code) ? code : 'E_FAILED', ((e as Error)?.message ?? String(e)).replace(/^\[E_[A-Z_]+\] /, ''), exit)
    // Redacted whatever the source: a library's message may quote a URL with its password.
    const message = redact(err.message)
    if (json) process.stdout.write(JSON.stringify({ error: { code: err.code, message, exitCode: err.exitCode } }) + '\n')
    process.stderr.write(`fncache: ${message}\n${err.hint ? `  Try: ${err.hint}\n` : ''}`)
    if (err.exitCode === EXIT.INTERNAL && process.env.FNCACHE_DEBUG_CLI) process.stderr.write(redact(String((e as Error)?.stack)) + '\n')
    return err.exitCode
  }
}

// Run when executed (the bin, `node cli/index.ts`), not when imported. No import.meta: this file
// is compiled to CommonJS too.
const invoked = process.argv[1] ?? ''
if (/(?:^|[\\/])(?:cli[\\/]index(?:\.[cm]?[jt]s)?|fncache(?:\.[cm]?js)?)$/.test(invoked)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (e) => { console.error(e); process.exitCode = EXIT.INTERNAL })
}
