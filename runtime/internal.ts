// fncache.macro/runtime/internal: the helpers compiled code calls (`wrapCompiled` with options the
// build checked, `wrap` with options it normalises at run time, `wrapBatch` for `cached.batch`,
// `tagPart` inside compiled tag templates). Not a user API: user code calls
// `cached()` from fncache.macro or fncache.macro/runtime. The transform emits imports of this
// subpath (core/runtime-ids.ts); its exports may change with the transform.

export { wrap } from './wrap.js'
export { wrapCompiled } from './wrap-compiled.js'
export { wrapBatch } from './batch.js'
export { tagPart } from './key.js'

import { wrap } from './wrap.js'
import { decorator, instanceKeyed } from './decorator.js'
import type { CachedDecorator, WrapOptions } from './types.js'

/** The decorator compiled `@cached(...)` becomes: the method wrapped with the planned options. */
export function method(options: WrapOptions): CachedDecorator {
  return decorator(options, wrapMethod) as CachedDecorator
}

const wrapMethod = (fn: (...args: any[]) => any, options: WrapOptions) =>
  options.instanceKey !== undefined ? instanceKeyed(fn, options, wrap) : wrap(fn, options)
