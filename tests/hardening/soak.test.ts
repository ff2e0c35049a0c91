// The 10 s version of `npm run soak`: 4 processes over memory, one file directory, one Redis and
// tiered, plus one process invalidating through the CLI.
// Deterministic pass/fail on a loaded machine: no error, and no value served after its tag's
// invalidation resolved. Heap growth is printed; its 10% bound is checked by the 60 s run only.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runSoak } from '../../soak/run.js'
import { redisOrSkip } from '../helpers/redis-server.js'

if (redisOrSkip('soak')) {
  const soak = suite('soak (10 s)')
  soak('4 processes: no error, no value served after its tag invalidation resolved', async () => {
    const r = await runSoak({ seconds: 10, procs: 4, heapLimit: Infinity })
    console.log(r.summary)
    assert.ok(r.ok, r.problems.join('\n'))
    const apps = r.workers.filter((w) => w.role !== 'cli')
    assert.ok(apps.every((w) => w.reads > 100 && w.invalidations > 5), 'a worker barely ran: the check saw too little')
    assert.ok(r.workers.some((w) => w.role === 'cli' && w.cliInvalidations > 0), 'the CLI process invalidated')
  })
  soak.run()
}
