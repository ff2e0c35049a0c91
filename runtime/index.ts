// fncache.macro/runtime: the isomorphic runtime (no node: imports). Users call cached(),
// configure(), invalidate*() and metrics(); compiled code calls the helpers of ./internal.ts.
// core/runtime-ids.ts lists these value exports for the transform (a test keeps them equal).

export { cached } from './batch.js'
export { cacheOf, type MethodKeys } from './decorator.js'
export { configure, type ConfigureOptions } from './configure.js'
export { invalidateTags, invalidatePrefix, invalidateTagsSync, invalidatePrefixSync } from './invalidate.js'
export type { InvalidationOptions } from './invalidate.js'
export { metrics, type Metrics } from './report.js'
export { memory, MemoryBackend, type MemoryOptions } from './backends/memory.js'
export { enableBytes } from './call/bytes-call.js'
export { parseDuration } from './duration.js'
export { FncacheError, BackendError, errors } from './errors.js'
export type { Backend, BackendStats, SetOptions } from './backends/backend.js'
export type { MetricsSnapshot, MetricsFigures } from './metrics.js'
export type { Distribution } from './histogram.js'
export type { BatchResult } from './batch.js'
export type { CacheOptions, BatchOptions, WrapOptions, Cached, CachedMethods, CachedDecorator, FunctionStats, Duration, Peeked, Refreshed } from './types.js'
export type { ErrorContext } from './global.js'
