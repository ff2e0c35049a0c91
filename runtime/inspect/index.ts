// fncache.macro/inspect (Node-only): the local metrics endpoint that configure({ inspect }) starts,
// for code that needs its address (port 0) or wants to close it.
export { inspectAddress, closeInspect } from './server.js'
export type { InspectOptions } from './option.js'
