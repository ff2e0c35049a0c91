// Read-your-writes over the file backend: see tests/helpers/matrix.ts.
import { matrix } from '../helpers/matrix.js'

await matrix('file')
