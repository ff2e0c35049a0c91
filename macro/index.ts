// The Babel macro entry: babel-plugin-macros calls it with the references to `fncache.macro`;
// config comes from the `fncache` key (package.json "babelMacros", .babel-plugin-macrosrc, ...).
import macros from 'babel-plugin-macros'
import { expand } from './expand.js'

export default macros.createMacro(expand as Parameters<typeof macros.createMacro>[0], { configName: 'fncache' })
