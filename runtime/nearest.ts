// The one "did you mean" helper lives in shared/ (core/ suggests names with it too).
export { distance, nearest } from '../shared/nearest.js'
