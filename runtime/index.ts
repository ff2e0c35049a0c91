// fncache.macro/runtime: the isomorphic runtime (no node: imports). Compiled code calls wrap();
// users call cached(), configure(), invalidate*() and metrics().

export { cached, wrap } from './wrap.js'
export { configure, type ConfigureOptions } from './configure.js'
export { invalidateTags, invalidatePrefix, invalidateTagsSync, invalidatePrefixSync } from './invalidate.js'
export { metrics, type Metrics } from './report.js'
export { memory, MemoryBackend, type MemoryOptions } from './backends/memory.js'
export { tagPart } from './key.js'
export { parseDuration } from './duration.js'
export { FncacheError, BackendError, errors } from './errors.js'
export type { Backend, BackendStats, SetOptions } from './backends/backend.js'
export type { MetricsSnapshot, MetricsFigures } from './metrics.js'
export type { Distribution } from './histogram.js'
export type { CacheOptions, WrapOptions, Cached, CachedMethods, FunctionStats, Duration } from './types.js'
export type { ErrorContext } from './global.js'
