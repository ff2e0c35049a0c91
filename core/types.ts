// Plain data shared by every transform: what an analyzer reports (CallSite), what the planner
// decides (Plan), and where things are (Loc). No Babel or SWC types: this is the contract.

/** A position: `line` 1-based, `column` 0-based in UTF-16 code units (Babel's convention). */
export interface Pos {
  line: number
  column: number
}

/** A source range; code frames underline it when it spans one line. */
export interface Loc extends Pos {
  end: Pos
}

/**
 * The primitive kinds a TypeScript annotation can promise, one per union member; `other` is
 * anything else (an alias, an object type, a generic).
 */
export type TypeKind = 'string' | 'number' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'other'

/** One declared parameter of the wrapped function (a TS `this` parameter is not reported). */
export interface ParamSite {
  /** `name`: a plain identifier (maybe with a default); `pattern`: destructured; `rest`: `...args`. */
  kind: 'name' | 'pattern' | 'rest'
  /** The identifier's name (`rest` with an identifier argument has one too); `null` for a pattern. */
  name: string | null
  /** Whether the parameter has a default value (`a = 1`). */
  hasDefault: boolean
  /** Whether the parameter is optional (`a?: string`). */
  optional: boolean
  /** Kinds of the annotation's union members; `null` when unannotated. */
  type: TypeKind[] | null
  /**
   * The property names of an object type literal annotation (`{ id: number; page: number }`)
   * whose 1 to 8 members are all required, non-computed properties of primitive types; absent
   * otherwise. Drives the compiled object-key path (`shape`).
   */
  shape?: string[]
  loc: Loc
}

/** The wrapped function, when the first argument is a function expression or arrow. */
export interface FunctionSite {
  kind: 'arrow' | 'function'
  async: boolean
  generator: boolean
  /** The function expression's own name (`function fib() {}`), or `null`. */
  name: string | null
  /** References to that own name inside the function's body. */
  selfReferences: number
  /** Whether renaming those references to the outer binding's name would be captured by an inner declaration. */
  outerNameShadowed: boolean
  params: ParamSite[]
  /** The function's source text, exactly as written (the version hash input). */
  text: string
  /** What its body uses: module bindings, globals, `this`, dynamic imports (versions, purity warnings). */
  uses: Use[]
  loc: Loc
}

/** One thing a function (or a top-level declaration) uses, as a compiler's view reports it. */
export interface Use {
  /**
   * `module`: an identifier resolving to a top-level binding or import; `global`: declared
   * nowhere; `this`: the receiver (outside nested non-arrow functions and classes); `import`: a
   * dynamic `import()`.
   */
  kind: 'module' | 'global' | 'this' | 'import'
  /** The identifier; for `import`, the specifier when it is a string literal, else `''`; `this`. */
  name: string
  /** The member chain read from the identifier (`process.env.HOME` -> `['process', 'env', 'HOME']`). */
  path: string[]
  /** Whether that chain is called (`Date.now()`) or constructed (`new Date()`). */
  call: 'call' | 'new' | null
  /** The call's argument count (0 when not called). */
  args: number
  /** A `module` binding assigned anywhere after its declaration (`let n = 0; ... n++`). */
  reassigned: boolean
  /** Only written here: `n++` as a statement (its value is not read). */
  writeOnly: boolean
  /** The call when called, else the chain. */
  loc: Loc
}

/** One thing a version depends on: a same-module binding, another file's export, or a package. */
export interface Dependency {
  kind: 'binding' | 'export' | 'package'
  /** `fmt`; `src/format.ts#fmt`; `date-fns`. */
  name: string
  /** The content hash of a binding or export; the installed version of a package. */
  hash: string
}

/** What a wrap's version covers (published on the plan, read by `fncache ids --diff`). */
export interface Dependencies {
  /** The hash of the function's own text. */
  text: string
  /** Everything it reaches, sorted by kind then name. */
  on: Dependency[]
  /** What it uses that the analysis cannot follow (`process.env.HOME`, `global fetch`, `import(...)`), sorted. */
  unseen: string[]
}

/** A literal option value as written, or a marker saying what it is instead. */
export type ValueSite =
  | { kind: 'string'; value: string; loc: Loc }
  | { kind: 'number'; value: number; loc: Loc }
  | { kind: 'boolean'; value: boolean; loc: Loc }
  | { kind: 'null'; loc: Loc }
  | { kind: 'array'; items: ValueSite[]; loc: Loc }
  /** A function expression, arrow or method: passed through as code. */
  | { kind: 'function'; loc: Loc }
  /** Any other expression (an identifier, a call, ...); `nodeType` names it in messages. */
  | { kind: 'other'; nodeType: string; loc: Loc }

export type OptionSite =
  | { kind: 'property'; name: string; keyLoc: Loc; value: ValueSite; loc: Loc }
  | { kind: 'spread'; loc: Loc }
  | { kind: 'computed'; loc: Loc }

/** The second argument of the call. */
export type OptionsSite =
  | { kind: 'object'; properties: OptionSite[]; loc: Loc }
  | { kind: 'other'; nodeType: string; loc: Loc }

/** Where the wrap's result goes, which names the function. */
export type BindingSite =
  /** `const getUser = cached(...)`, `export const`, `let`, `var`. */
  | { kind: 'variable'; name: string }
  /** `export default cached(...)`. */
  | { kind: 'default' }
  /** An object property (`const api = { getUser: cached(...) }` → `['api', 'getUser']`), or an assignment to a member (`api.getUser = cached(...)`). `'default'` leads for `export default {...}`. */
  | { kind: 'member'; path: string[] }
  /** A class field initialiser; `className` is `'default'` for `export default class {}`. */
  | { kind: 'class-field'; className: string; name: string; static: boolean }
  /** Anything else: named by its position. */
  | { kind: 'anonymous' }

/** How the macro's identifier is used at one reference. */
export type Usage = 'call' | 'value' | 'member' | 'new' | 'tagged-template' | 'optional-call'

/** One reference to the macro, as an analyzer saw it. */
export interface CallSite {
  /** The macro's local name (`cached`), for messages. */
  callee: string
  usage: Usage
  /** The call (or the reference, when not a call). */
  loc: Loc
  /** The arguments: the first one's node type and location (`null`: no arguments). */
  argCount: number
  firstArg: { nodeType: string; loc: Loc } | null
  /** The location of the third argument, when there is one. */
  extraArgLoc: Loc | null
  /** Whether an argument is a spread (`cached(...args)`). */
  spreadArgLoc: Loc | null
  fn: FunctionSite | null
  options: OptionsSite | null
  binding: BindingSite
  /** `batch`: written `cached.batch(fn, options)` (a per-id function over a function of many ids). */
  form?: 'batch'
  /** Set when the reference is a decorator (`@cached`, `@cached({ ... })`): what it decorates (core/decorator.ts). */
  decorator?: DecoratorSite
}

/**
 * What a `@cached` decorator is written on. `fn` of its CallSite is the method (text: from the
 * key to the end of the body, decorators excluded); `binding` names it like a class field.
 */
export interface DecoratorSite {
  /** `method` is the one valid target; the others are build errors with the fix. */
  target: 'method' | 'getter' | 'setter' | 'field' | 'accessor' | 'constructor' | 'class' | 'other'
  /** The decorated member's name (`#name` for a private one); null when computed. */
  name: string | null
  /** Written without a call (`@cached`). */
  bare: boolean
  /** The decorated member (or class). */
  targetLoc: Loc
}

/** What one file gives the planner, computed once per file (see core/identity.ts). */
export interface ModuleContext {
  /** The file's path relative to the package root, POSIX separators (`src/users.ts`). */
  relativePath: string
  /** The hash of the whole module's source (used with `version: 'module'`). */
  moduleHash: string
  /** What a wrap depends on (core/deps.ts), for `version: 'deps'`; absent: only the function's text. */
  dependencies?: (site: CallSite) => Dependencies
}

/** The `fncache` config, normalised (see core/config.ts). */
/**
 * The transform's config: babel-plugin-macros' `fncache` key (package.json `babelMacros`,
 * `.babel-plugin-macrosrc`, `babel-plugin-macros.config.js`, or plugin options), or the options of
 * the SWC transform. Unknown keys are build errors.
 */
export interface MacroConfig {
  /**
   * The directory function ids are relative to (`src/users.ts#getUser`).
   * @default the nearest directory above the file that holds a package.json
   */
  root?: string
  /**
   * The app scope of this build's functions: emitted into every wrap (its `namespace` option), it
   * overrides `configure({ namespace })` and prefixes their storage keys and tags in shared
   * backends. Written `scope`, or `namespace` (deprecated name). Not the Redis key prefix
   * (`redis({ namespace })`). @default none (configure()'s)
   */
  scope?: string
  /** Default ttl of wraps that set none, in milliseconds (written as ms or `'5m'`). @default none (configure()'s, else no expiry) */
  ttl?: number
  /**
   * What the version hash covers: `'deps'` (the function's source, the same-module bindings it
   * reaches, the referenced exports of relative imports and the installed versions of the packages
   * it imports; docs/versions.md), `'function'` (the function's source only), `'module'` (the whole
   * file), or `{ build }` (a fixed build id, written as any other string). A per-call `version`
   * option overrides it.
   * @default 'deps'
   */
  version: 'deps' | 'function' | 'module' | { build: string }
  /** Build-time purity warnings (core/purity.ts); `false` turns them off. @default true */
  purity: boolean
  /** The module compiled code imports the runtime from. @default 'fncache.macro/runtime' */
  runtimeImport: string
}

/** A piece of a compiled tag: literal text, or a parameter path filled at call time. */
export type TagPart = { text: string } | { param: number; path: string[] }

/** One tag: a literal string, or parts joined at call time. */
export type TagPlan = { kind: 'literal'; value: string } | { kind: 'template'; parts: TagPart[] }

/** How `keyOf` encodes one key value: a fixed type with a guard, or a per-value primitive switch. */
export type KeyEncoding = 'string' | 'number' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'any'

/** The decisions for one wrap: everything an emitter needs, nothing it must decide. */
export interface Plan {
  id: string
  version: string
  /** The call, for emitters that look it up by position. */
  loc: Loc
  async: boolean
  /** Declared parameter names; `null` for one that cannot be addressed (destructured). */
  params: (string | null)[]
  /** Whether the last parameter is a rest parameter. */
  rest: boolean
  namespace?: string
  ttl?: number
  staleWhileRevalidate?: number
  staleIfError?: number
  prefix?: string
  backend?: string
  dedupe?: boolean
  /** `indices`: the key is these arguments; `passthrough`: the user's key function, as written. */
  key?: { kind: 'indices'; indices: number[] } | { kind: 'passthrough' }
  /**
   * The property names the one key argument's annotation declares (sorted): the runtime keys such
   * an object by that shape without looking it up, still checking the object holds exactly those
   * names (a type cannot rule out extra or symbol keys). Absent: the general object path.
   */
  shape?: string[]
  /** A specialised encoder of the key values (argument index and encoding each); absent: generic. */
  keyOf?: { arity: number; values: { index: number; encoding: KeyEncoding }[] }
  /** `list`: literal tags and templates; `passthrough`: the user's tags function, as written. */
  tags?: { kind: 'list'; tags: TagPlan[]; arity: number } | { kind: 'passthrough' }
  /** `passthrough`: the user's cacheIf, as written. */
  cacheIf?: { kind: 'passthrough' }
  /** `passthrough`: the user's Standard Schema, predicate or `{ schema, onMemory }`, as written. */
  validate?: { kind: 'passthrough' }
  /** A literal boolean, or `passthrough`: the user's `{ beta }` (or other expression), as written. */
  earlyRefresh?: boolean | { kind: 'passthrough' }
  /** Milliseconds (`Infinity` spelled 0, like `ttl`). */
  emptyTtl?: number
  /** `passthrough`: the user's isEmpty, as written. */
  isEmpty?: { kind: 'passthrough' }
  /**
   * How a named function expression's calls to its own name go through the cache:
   * `drop-name`: remove the name (the outer binding has the same name); `rename`: drop it and
   * rename its references to `to`; `temp`: route them through a new variable assigned the wrap.
   */
  self?: { name: string; strategy: 'drop-name' } | { name: string; strategy: 'rename'; to: string } | { name: string; strategy: 'temp' }
  /** `cached.batch` only: its options (`maxBatch`; `batchWindow` in milliseconds). */
  batch?: { maxBatch?: number; batchWindow?: number }
  /** `decorator`: a `@cached` method (emitted as the `method` helper's decorator); absent: `cached(fn)`. */
  form?: 'decorator'
  /** `passthrough`: the user's instanceKey, as written (decorated methods only). */
  instanceKey?: { kind: 'passthrough' }
  /** Runtime helpers this wrap uses; the first is the one the macro's callee becomes (`wrapCompiled` when the build checked every option, else `wrap`; `wrapBatch`; or `method` for a decorator). */
  helpers: ('wrap' | 'wrapCompiled' | 'wrapBatch' | 'tagPart' | 'method')[]
  /** What the version covers, with `version: 'deps'` when the wrap depends on anything (or something is unseen). */
  deps?: Dependencies
}

/** Named imports from the macro, rewritten to the runtime. */
export interface ImportSite {
  imported: string
  local: string
  /** Imported as a type, or never used as a value: kept, not checked against the runtime's exports. */
  typeOnly: boolean
  loc: Loc
}

/** The rewritten import of one file. */
export interface ImportPlan {
  /** Where the user's named runtime imports come from (config `runtimeImport`). */
  source: string
  /** Where the helpers come from (core/runtime-ids.ts: the internal subpath, or a custom runtimeImport). */
  helperSource: string
  /** Named runtime exports the user imported, with their local names. */
  named: { imported: string; local: string }[]
  /** Helpers the emitted code calls (the emitter picks collision-free local names). */
  helpers: ('wrap' | 'wrapCompiled' | 'wrapBatch' | 'tagPart' | 'method')[]
}
