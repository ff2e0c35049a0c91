// The `fncache` config (babel-plugin-macros' configName, or the SWC transform's options), strict:
// an unknown key is an error naming it, like serde's deny_unknown_fields.
import { errors, nearest } from './errors.js'
import { parseDuration } from './options.js'
import { RUNTIME_IMPORT } from './runtime-ids.js'
import type { MacroConfig } from './types.js'

/** The config keys, documented in docs/babel.md. */
export const CONFIG_KEYS = ['root', 'scope', 'namespace', 'ttl', 'version', 'runtimeImport', 'purity'] as const

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v) : typeof v)

/** Validates raw config (`undefined`/`null`: defaults) into a MacroConfig. */
export function normaliseConfig(raw: unknown): MacroConfig {
  const config: MacroConfig = { version: 'deps', runtimeImport: RUNTIME_IMPORT, purity: true }
  if (raw == null) return config
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.configType('fncache', 'an object', kind(raw))
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case 'root': case 'scope': case 'namespace': case 'runtimeImport': {
        if (value === undefined) break
        if (typeof value !== 'string' || value === '') throw errors.configType(key, 'a non-empty string', kind(value))
        // `namespace` is the deprecated name of `scope` (docs/architecture.md: three namespaces).
        const field = key === 'namespace' ? 'scope' : key
        if (field === 'scope' && config.scope !== undefined) throw errors.configType(key, "one of 'scope' and its deprecated name 'namespace'", 'both', `"scope": ${JSON.stringify(value)}`)
        config[field] = value
        break
      }
      case 'ttl': {
        if (value === undefined) break
        const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : null
        if (ms === null) throw errors.configType(key, "milliseconds or a duration such as '30s', '5m', '1h', '1d'", kind(value), '"ttl": "5m"')
        config.ttl = ms
        break
      }
      case 'version':
        if (value === undefined || value === 'deps') break
        if (typeof value !== 'string' || value === '') throw errors.configType(key, "'deps', 'function', 'module' or a build id string", kind(value))
        config.version = value === 'module' || value === 'function' ? value : { build: value }
        break
      case 'purity':
        if (value === undefined) break
        if (typeof value !== 'boolean') throw errors.configType(key, 'true or false', kind(value), '"purity": false')
        config.purity = value
        break
      default:
        throw errors.configUnknownKey(key, CONFIG_KEYS, nearest(key, CONFIG_KEYS))
    }
  }
  return config
}
