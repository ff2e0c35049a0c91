// Read-your-writes over the cluster backend: see tests/helpers/matrix.ts.
import { matrix } from '../helpers/matrix.js'

await matrix('cluster')
