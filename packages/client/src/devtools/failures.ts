import type { PluginHost } from '../host/host.js'
import { PluginError } from '../host/errors.js'
import { failedOutcome, plainText } from './history.js'

/** How a plugin's last new version failed: it was refused and the old one runs, it was rolled back, or nothing of it runs. */
export type FailureOutcome = 'kept-old' | 'rolled-back' | 'failed'

/** A plugin whose last save did not take: what the in-page notice shows until a good swap of it. */
export interface PluginFailure {
  id: string
  file: string
  outcome: FailureOutcome
  /** What went wrong, without the plugin and file (`activate() threw: boom`), as plain text. */
  reason: string
  /** The reason in one line, what went wrong first (a compile error's own message, then where). */
  gist: string
  /** Increases with every failure: a notice dismissed before it shows again for a newer one. */
  seq: number
}

export interface FailureTracker {
  /** The plugins failing now, oldest failure first. */
  list(): readonly PluginFailure[]
  get(id: string): PluginFailure | undefined
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
  dispose(): void
}

/**
 * Follows a host's events to know which plugins are failing now: a new version refused or rolled
 * back, a plugin that could not start, a plugin taken back because another of its batch failed.
 * A plugin's failure ends with its next good swap (or activation), or when it is removed; a
 * restart for a dependency (`via`) is not a good swap of its own: its failed save is still not in.
 * A refused new version of a plugin that does not run (it never started) kept nothing: it is
 * `failed`, not `kept-old`.
 */
export function trackFailures(events: Pick<PluginHost, 'on'>): FailureTracker {
  const failures = new Map<string, PluginFailure>()
  const listeners = new Set<() => void>()
  let seq = 0
  const changed = () => listeners.forEach((listener) => listener())
  const fail = (id: string, file: string, outcome: FailureOutcome, reason: string, gist = gistOf(reason)) => {
    failures.delete(id)
    failures.set(id, { id, file, outcome, reason, gist, seq: ++seq })
    changed()
  }
  const end = (id: string) => {
    if (failures.delete(id)) changed()
  }
  const offs = [
    events.on('reload-failed', (e) => fail(e.id, e.file, failedOutcome(e), reasonOf(e.error), gistOfError(e.error))),
    events.on('plugin-failed', (e) => fail(e.id, e.file, 'failed', reasonOf(e.error))),
    events.on('rolled-back', (e) => {
      if (e.because === e.id) return
      fail(e.id, e.file, 'rolled-back', `its new version was taken back: it came in one batch with "${e.because}", which failed`)
    }),
    events.on('reload-completed', (e) => {
      if (e.via === undefined) end(e.id)
    }),
    events.on('plugin-activated', (e) => end(e.id)),
    events.on('plugin-removed', (e) => end(e.id)),
  ]
  return {
    list: () => [...failures.values()],
    get: (id) => failures.get(id),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose: () => offs.forEach((off) => off()),
  }
}

function reasonOf(error: unknown): string {
  return plainText(error instanceof PluginError ? error.reason : error instanceof Error ? error.message : String(error))
}

/** The gist of a failure: a refused compile's own error first; any other, the gist of its reason. */
function gistOfError(error: PluginError): string {
  if (error.phase === 'compile' && error.cause instanceof Error) return compileGist(plainText(error.cause.message))
  return gistOf(reasonOf(error))
}

/** The compiler's wrapper around its errors: it says nothing the error does not. */
const TRANSFORM_FAILED = /Transform failed with \d+ errors?:/g
/** Where a compile error is, as the dev server puts it first: `src/a.ts:4:3: …` or `src/a.ts: …`. */
const LEADING_PLACE = /^(\S+?\.\w+(?::\d+:\d+)?):(?: (.*))?$/
/** The line and column in a parse error's code frame: `╭─[ ../src/a.ts:4:3 ]`. */
const FRAME_PLACE = /╭─\[ ?\S*?:(\d+):(\d+) ?\]/

/**
 * A compile error in one line, its own message first and then where it is:
 * `[PARSE_ERROR] Expected \`}\` but found \`EOF\` (src/a.ts:4:3 does not compile)`, not the
 * dev server's `src/a.ts: Transform failed with 1 error:` lead-in that a two-line notice cuts the
 * error off after.
 */
export function compileGist(message: string): string {
  const lines = message
    .replace(TRANSFORM_FAILED, '')
    .split('\n')
    .map((line) => line.trimEnd())
  const first = lines.find((line) => line.trim() !== '')
  const place = first === undefined ? null : LEADING_PLACE.exec(first.trim())
  if (!first || !place) return gistOf(message)
  let where = place[1]!
  let error = place[2]?.trim()
  if (!error) error = lines.slice(lines.indexOf(first) + 1).find((line) => line.trim() !== '' && !/^\s/.test(line))?.trim()
  if (!error) return gistOf(message)
  const frame = FRAME_PLACE.exec(message)
  if (frame && !/:\d+:\d+$/.test(where)) where += `:${frame[1]}:${frame[2]}`
  return `${error} (${where} does not compile)`
}

/**
 * The gist of a reason for a one-line notice: its first lines up to a code frame (which starts
 * indented), at most two, joined: `… Transform failed with 1 error: [PARSE_ERROR] Expected …`.
 */
export function gistOf(reason: string): string {
  const lines: string[] = []
  for (const line of reason.split('\n')) {
    if (line.trim() === '') continue
    if (/^\s/.test(line) || lines.length === 2) break
    lines.push(line.trim())
  }
  return lines.join(' ') || reason.trim()
}
