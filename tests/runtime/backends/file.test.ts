// The file backend: the shared contract, then what only a directory of files has (layout, atomic
// writes, corrupt files, TTL on disk, bounds and pruning, faults through the runtime).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileBackend, file } from '../../../runtime/backends/file/index.js'
import { backendSuite } from './suite.js'
import { fakeClock } from '../../helpers/runtime.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'fncache-file-'))

backendSuite('file', () => {
  const clock = fakeClock()
  const dir = tmp()
  return { backend: file({ dir, now: clock.now, pruneInterval: 0 }), advance: (ms) => clock.advance(ms), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
})

// ---

const api = suite('file() API')
api('exports the factory and the class', () => {
  assert.type(file, 'function')
  assert.ok(file({ dir: tmp(), pruneInterval: 0 }) instanceof FileBackend)
})
api.run()
