// What the runtime tells a user whose code runs without the compile-time transform: which setup
// enables it for the tool the code seems to run under, and where the docs live. One place, so the
// general "running uncompiled" warning and the "running uncached" one say the same thing.

/** Absolute, so the link works from a terminal, a log line or a bundle (docs/ is not in the tarball). */
export const DOCS_URL = 'https://github.com/fncache/fncache/blob/main/docs/setup.md'

declare const __webpack_require__: unknown

interface Env {
  [name: string]: string | undefined
}

/**
 * The build tool or runner this process seems to run under, from what each one sets at run time.
 * Best effort: an unknown host gets the generic advice.
 */
export function detectTool(): string | undefined {
  const g = globalThis as { process?: { env?: Env; versions?: Record<string, string> }; TURBOPACK?: unknown; __NEXT_DATA__?: unknown }
  const env: Env = g.process?.env ?? {}
  if (env.NEXT_RUNTIME || g.__NEXT_DATA__ !== undefined) return 'next'
  if (env.VITEST) return 'vitest'
  if (env.JEST_WORKER_ID) return 'jest'
  if (g.TURBOPACK !== undefined || env.TURBOPACK) return 'next'
  // webpack replaces `typeof __webpack_require__` in the modules it bundles.
  if (typeof __webpack_require__ !== 'undefined') return 'webpack'
  if (g.process?.versions?.bun) return 'bun'
  return undefined
}

const HINTS: Record<string, string> = {
  next: "Next.js: wrap next.config with withFncache from 'fncache.macro/next'",
  vitest: "Vitest: add fncache() from 'fncache.macro/swc/vite' to the config's plugins",
  jest: "Jest: transform with 'fncache.macro/swc/jest' (or babel-jest with plugins: ['macros'])",
  webpack: "webpack: add 'fncache.macro/swc/webpack-loader' as a pre-loader for your sources",
  bun: "Bun: compile with Babel (plugins: ['macros']) or the SWC transform before running",
}

/** How to enable the transform here: the detected tool's adapter when known, else the choices. */
export function enableHint(): string {
  const tool = detectTool()
  const specific = tool ? HINTS[tool] : undefined
  return (specific ? specific + '; otherwise ' : '') +
    "enable babel-plugin-macros (plugins: ['macros']) or the SWC transform (fncache.macro/swc: Vite, webpack, Jest, Node register). See " + DOCS_URL
}

/**
 * Whether an uncompiled id is derived from load order rather than from the code: `anonymous`
 * (no function name, as after minification) and the `~2`, `~3` suffixes given to repeated names.
 */
export function isUnstableId(id: string): boolean {
  return id === 'anonymous' || /~\d+$/.test(id)
}
