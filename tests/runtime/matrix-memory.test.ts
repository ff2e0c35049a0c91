// Read-your-writes over the memory backend: see tests/helpers/matrix.ts.
import { matrix } from '../helpers/matrix.js'

await matrix('memory')
