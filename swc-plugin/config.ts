// The `fncache` config for the SWC transform, read from the same place as the Babel macro's:
// babel-plugin-macros' own cosmiconfig search (package.json "babelMacros", .babel-plugin-macrosrc,
// babel-plugin-macros.config.js, ...), key `fncache`; options passed in code override it.
// cosmiconfig is babel-plugin-macros' own dependency (the same copy and version it searches with).
import { cosmiconfigSync } from 'cosmiconfig'
import { dirname, resolve } from 'node:path'

interface Explorer { search(from?: string): { config: Record<string, unknown> | null; filepath: string } | null }
let explorer: Explorer | null = null

/** The same explorer babel-plugin-macros builds (its cosmiconfig dependency, its search places). */
function getExplorer(): Explorer {
  if (explorer) return explorer
  explorer = cosmiconfigSync('babel-plugin-macros', {
    searchPlaces: ['package.json', '.babel-plugin-macrosrc', '.babel-plugin-macrosrc.json', '.babel-plugin-macrosrc.yaml', '.babel-plugin-macrosrc.yml', '.babel-plugin-macrosrc.js', 'babel-plugin-macros.config.js'],
    packageProp: 'babelMacros',
  }) as Explorer
  return explorer
}

type Found = ReturnType<Explorer['search']>
/** Search results by directory: cosmiconfig caches them too, but first stats the file to find its directory, per file. */
const byDirectory = new Map<string, Found>()

function search(filename: string | undefined): Found {
  if (filename === undefined) return getExplorer().search()
  const dir = resolve(dirname(filename))
  if (!byDirectory.has(dir)) byDirectory.set(dir, getExplorer().search(filename))
  return byDirectory.get(dir)!
}

/** The raw `fncache` config for a file (undefined: none), with `overrides` on top. */
export function loadConfig(filename: string | undefined, overrides: Record<string, unknown>): unknown {
  const found = search(filename)
  const fromFile = found?.config?.fncache
  if (fromFile === undefined) return Object.keys(overrides).length ? overrides : undefined
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) return Object.keys(overrides).length ? overrides : fromFile
  return { ...(fromFile as object), ...overrides }
}
