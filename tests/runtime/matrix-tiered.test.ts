// Read-your-writes over the tiered backend: see tests/helpers/matrix.ts.
import { matrix } from '../helpers/matrix.js'

await matrix('tiered')
