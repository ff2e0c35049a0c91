// What every command receives: the parsed options, the output mode and a way to print.

import { Progress } from './output.js'

export interface Options {
  dir?: string
  redis?: string
  namespace: string
  /**
   * The app's namespaces (configure()'s, the transform config's): each prepended (with ':') to the
   * tags and prefixes given to invalidate/ls; `''` stands for entries stored without one.
   */
  scope: string[]
  timeout: number
  json: boolean
  progress: boolean
  prefix: string[]
  tag: string[]
  limit?: number
  by: 'function' | 'file'
  yes: boolean
  /** invalidate: mark entries stale instead of removing them (soft invalidation). */
  soft: boolean
  diff?: string
  exitCode: boolean
  root?: string
  versionScope?: string
}

export interface Context {
  options: Options
  positionals: string[]
  out(text: string): void
  progress: Progress
}

export function createContext(options: Options, positionals: string[]): Context {
  return {
    options,
    positionals,
    out: (text) => { process.stdout.write(text.endsWith('\n') ? text : text + '\n') },
    progress: new Progress(options.progress),
  }
}

/** `scope:name` for each namespace given (the names as given when none). */
export const scoped = (o: Options, names: string[]) =>
  o.scope.length === 0 ? names : o.scope.flatMap((s) => names.map((n) => (s === '' ? n : `${s}:${n}`)))
