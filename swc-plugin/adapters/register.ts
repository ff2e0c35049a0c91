// Node register hook: `node --import fncache.macro/swc/register app.ts` installs the loader hooks
// of fncache.macro/swc/register-hooks (module.register, Node >= 20.6), which compile TypeScript
// with @swc/core and expand fncache.macro wraps. This entry imports nothing that needs @swc/core:
// `register` loads the hooks module on Node's hooks thread and rethrows its load error here,
// synchronously, so a missing peer becomes one clear E_MISSING_PEER error. (A dynamic import on
// the hooks thread, the other way to catch it, deadlocks there.)
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread } from 'node:worker_threads'
import { MissingPeerError, isMissingSwc } from './load.js'

if (isMainThread) {
  try {
    register('fncache.macro/swc/register-hooks', pathToFileURL(process.cwd() + '/'))
  } catch (error) {
    throw isMissingSwc(error) ? new MissingPeerError('fncache.macro/swc/register', error) : error
  }
}
