// The one duration parser lives in shared/ (core/ reads it too); the runtime's modules import it from here.
export { parseDuration, DURATION_HINT } from '../shared/duration.js'
