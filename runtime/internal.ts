// fncache.macro/runtime/internal: the helpers compiled code calls (`wrap` with the options the
// transform planned, `wrapBatch` for `cached.batch`, `tagPart` inside compiled tag templates). Not a user API: user code calls
// `cached()` from fncache.macro or fncache.macro/runtime. The transform emits imports of this
// subpath (core/runtime-ids.ts); its exports may change with the transform.

export { wrap } from './wrap.js'
export { wrapBatch } from './batch.js'
export { tagPart } from './key.js'
