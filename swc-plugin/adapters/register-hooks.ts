// The loader hooks fncache.macro/swc/register installs (they run on Node's hooks thread):
// `resolve`/`load` compile .ts/.tsx/.mts/.cts files with @swc/core, and expand fncache.macro
// wraps in them and in .js files that import the macro. Everything else is left to Node.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { mentionsMacro, transformSync } from '../index.js'

type Next<A extends unknown[], R> = (...args: A) => Promise<R>
interface LoadResult { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

const TS = /\.(ts|tsx|mts|cts)$/
const JS = /\.(js|jsx|mjs|cjs)$/

/** `./x.js` from a TypeScript file resolves to `./x.ts` when only that exists (TypeScript's convention). */
export async function resolve(specifier: string, context: { parentURL?: string }, next: Next<[string, object], { url: string }>) {
  try {
    return await next(specifier, context)
  } catch (error) {
    if (context.parentURL?.startsWith('file:') && /^\.{1,2}\//.test(specifier) && /\.[cm]?js$/.test(specifier) && TS.test(context.parentURL)) {
      return next(specifier.replace(/js$/, 'ts'), context)
    }
    throw error
  }
}

export async function load(url: string, context: { format?: string | null }, next: Next<[string, object], LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:') || url.includes('/node_modules/')) return next(url, context)
  const file = fileURLToPath(url)
  if (TS.test(file)) {
    // Compiled to ES module code (Node 20 ignores a load hook's source for the commonjs format).
    return { format: 'module', source: compile(readFileSync(file, 'utf8'), file, false), shortCircuit: true }
  }
  if (!JS.test(file)) return next(url, context)
  const loaded = await next(url, context)
  const source = loaded.source == null ? '' : typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString('utf8')
  if (!mentionsMacro(source) || loaded.format === 'commonjs') return loaded
  return { format: loaded.format ?? 'module', source: compile(source, file, false), shortCircuit: true }
}

function compile(code: string, filename: string, commonjs: boolean): string {
  return transformSync(code, {
    filename,
    sourceMaps: 'inline',
    module: { type: commonjs ? 'commonjs' : 'es6' },
    jsc: { target: 'es2022', parser: TS.test(filename) ? { syntax: 'typescript', tsx: filename.endsWith('x') } : { syntax: 'ecmascript', jsx: true } },
  }).code
}
