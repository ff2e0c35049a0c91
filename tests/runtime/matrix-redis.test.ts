// Read-your-writes over the redis backend: see tests/helpers/matrix.ts.
import { matrix } from '../helpers/matrix.js'

await matrix('redis')
