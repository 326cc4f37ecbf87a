import type { PluginHost } from '../host/host.js'
import { describe, PluginError } from '../host/errors.js'
import { describeLastGood, type Leak } from '../protocol/index.js'
import type { ReloadPhases } from '../host/events.js'

/** What one history entry says happened. */
export type HistoryOutcome = 'swapped' | 'kept-old' | 'rolled-back' | 'retried' | 'failed' | 'full-reload' | 'last-good' | 'leaked'

/** One line of the reload history, as the devtools panel shows and exports it (plain JSON). */
export interface HistoryEntry {
  /** Unique within the history, increasing. */
  seq: number
  /** Wall-clock time (ms since the epoch). */
  at: number
  /** The plugin the entry is about (for a batch: its first plugin). */
  plugin: string
  /** For a batch: every plugin it reloaded (dependents included) or took back. */
  plugins?: string[]
  /** The dev server's number for the batch. */
  batch?: number
  /** Where the time went. */
  phases?: ReloadPhases
  /** Approximate size of the state handed over, in bytes (summed over a batch). */
  stateBytes?: number
  /** The files whose change triggered it (empty for "reload now" and starts). */
  files: string[]
  outcome: HistoryOutcome
  durationMs?: number
  stateKept?: boolean
  /** For `full-reload`, `retried` and `last-good`: why; for `leaked`: the report's sentence. */
  reason?: string
  /** For `leaked`: what the instance left running after its teardown, and where it was started. */
  leaks?: Leak[]
  /** For `leaked`: it was stopped (`leaks: 'clean'`, or the instance never went live). */
  cleaned?: boolean
  error?: ErrorDetails
}

/** An error as the history keeps it: plain text (terminal colours removed). */
export interface ErrorDetails {
  message: string
  /** The code frame of a compile error, when the dev server sent it apart from the message. */
  frame?: string
  /** Where it was thrown; absent for a compile error (the dev server's message says where). */
  stack?: string
}

/** Where the history is kept (sessionStorage in the browser: per tab, survives our reloads). */
export interface HistoryStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface ReloadHistory {
  /** Newest first. */
  entries(): readonly HistoryEntry[]
  add(entry: Omit<HistoryEntry, 'seq' | 'at'>): void
  /** Changes the newest entry (a batch's further plugins join its entry). */
  amendNewest(change: (entry: HistoryEntry) => HistoryEntry): void
  clear(): void
  /** The history as pretty JSON, newest first. */
  toJSON(): string
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

export interface ReloadHistoryOptions {
  storage: HistoryStorage
  key: string
  /** Entries kept; older ones are dropped. */
  limit?: number
  /** Wall clock. */
  now?: () => number
  /**
   * Runs the write of the history to `storage`, which the history asks for after a change (and not
   * again until it ran): at once by default. The panel's writes once the page is idle, so that a
   * batch of 50 reloads is one write, not 50 of up to 200 entries each.
   * @default (write) => write()
   */
  persist?: (write: () => void) => void
}

const DEFAULT_LIMIT = 200

export function createReloadHistory({ storage, key, limit = DEFAULT_LIMIT, now = Date.now, persist = (write) => write() }: ReloadHistoryOptions): ReloadHistory {
  let list = load(storage, key)
  let seq = list.reduce((max, entry) => Math.max(max, entry.seq), 0)
  const listeners = new Set<() => void>()
  let writing = false
  const write = () => {
    writing = false
    try {
      storage.setItem(key, JSON.stringify(list))
    } catch {
      // Over quota: the history still lives in memory until the next reload.
    }
  }
  const changed = () => {
    if (!writing) {
      writing = true
      persist(write)
    }
    for (const listener of listeners) listener()
  }
  return {
    entries: () => list,
    add(entry) {
      list = [{ ...entry, seq: ++seq, at: now() }, ...list].slice(0, limit)
      changed()
    },
    amendNewest(change) {
      const [newest, ...rest] = list
      if (!newest) return
      list = [change(newest), ...rest]
      changed()
    },
    clear() {
      list = []
      changed()
    },
    toJSON: () => JSON.stringify(list, null, 2),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function load(storage: HistoryStorage, key: string): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]')
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]).filter((e) => e && typeof e.plugin === 'string') : []
  } catch {
    return []
  }
}

/** The message, code frame and stack of an error, the stack of its cause first (the one that says where). */
export function errorDetails(error: unknown): ErrorDetails {
  const cause = error instanceof Error ? error.cause : undefined
  const details: ErrorDetails = { message: plainText(describe(error)) }
  const frame = (cause as { frame?: unknown } | undefined)?.frame
  if (typeof frame === 'string' && frame.trim() !== '') details.frame = plainText(frame)
  // A compile error was made in the page from the dev server's message: its stack says nothing.
  if (error instanceof PluginError && error.phase === 'compile') return details
  const stack = (cause instanceof Error ? cause.stack : undefined) ?? (error instanceof Error ? error.stack : undefined)
  if (stack !== undefined) details.stack = plainText(stack)
  return details
}

// Terminal colour and cursor sequences (the dev server's compilers colour their messages).
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g

/** What a failed new version left: `kept-old` only while a version of the plugin runs; with none, nothing of it runs. */
export function failedOutcome(e: { outcome: 'kept-old' | 'rolled-back'; running: boolean }): 'kept-old' | 'rolled-back' | 'failed' {
  return e.outcome === 'kept-old' && !e.running ? 'failed' : e.outcome
}

/** Text without terminal escape sequences. */
export function plainText(text: string): string {
  return text.replace(ANSI_ESCAPE, '')
}

/**
 * Writes a host's events into the history: one entry per reload outcome, retry, start failure and
 * full reload. Returns the unsubscribe.
 */
export function recordHostEvents(events: Pick<PluginHost, 'on'>, history: ReloadHistory, now: () => number): () => void {
  const startedAt = new Map<string, number>()
  const takenBack = new Map<string, string>()
  const since = (id: string): number | undefined => {
    const start = startedAt.get(id)
    startedAt.delete(id)
    return start === undefined ? undefined : Math.max(0, now() - start)
  }
  const offs = [
    events.on('reload-started', (e) => void startedAt.set(e.id, now())),
    events.on('reload-completed', (e) => {
      startedAt.delete(e.id)
      const newest = history.entries()[0]
      if (e.batch !== undefined && newest?.batch === e.batch && newest.outcome === 'swapped') {
        // Another plugin of the same batch: one entry for the batch.
        history.amendNewest((entry) => ({
          ...entry,
          plugins: [...(entry.plugins ?? [entry.plugin]), e.id],
          durationMs: Math.max(entry.durationMs ?? 0, e.durationMs),
          stateKept: (entry.stateKept ?? false) || e.stateKept,
          ...(e.stateBytes === undefined ? {} : { stateBytes: (entry.stateBytes ?? 0) + e.stateBytes }),
        }))
        return
      }
      history.add({
        plugin: e.id,
        plugins: [e.id],
        files: e.files,
        outcome: 'swapped',
        durationMs: e.durationMs,
        stateKept: e.stateKept,
        ...(e.batch === undefined ? {} : { batch: e.batch }),
        ...(e.phases === undefined ? {} : { phases: e.phases }),
        ...(e.stateBytes === undefined ? {} : { stateBytes: e.stateBytes }),
      })
    }),
    events.on('rolled-back', (e) => void takenBack.set(e.id, e.because)),
    events.on('plugin-activated', (e) => {
      // Only an activation a save brought (a failed plugin fixed) is a reload; starts are not.
      if (!startedAt.has(e.id)) return
      startedAt.delete(e.id)
      history.add({ plugin: e.id, files: [], outcome: 'swapped', durationMs: e.durationMs })
    }),
    events.on('reload-failed', (e) => {
      const durationMs = since(e.id)
      // The plugins its batch took back with it.
      const withIt = [...takenBack].filter(([, because]) => because === e.id).map(([id]) => id)
      for (const id of withIt) takenBack.delete(id)
      history.add({
        plugin: e.id,
        ...(withIt.length > 0 ? { plugins: [e.id, ...withIt.filter((id) => id !== e.id)] } : {}),
        files: e.files,
        // A plugin that never ran kept no old version: its new one failed to start.
        outcome: failedOutcome(e),
        ...(durationMs === undefined ? {} : { durationMs }),
        stateKept: true,
        error: errorDetails(e.error),
      })
    }),
    events.on('plugin-failed', (e) => {
      startedAt.delete(e.id)
      history.add({ plugin: e.id, files: [], outcome: 'failed', error: errorDetails(e.error) })
    }),
    events.on('last-good-started', (e) =>
      history.add({
        plugin: e.id,
        files: [],
        outcome: 'last-good',
        reason: describeLastGood(e.id, { since: e.since, error: e.error.reason }),
        error: errorDetails(e.error),
      }),
    ),
    events.on('retrying', (e) =>
      history.add({
        plugin: e.id,
        files: [],
        outcome: 'retried',
        reason: `attempt ${e.attempt}, again in ${Math.round(e.delayMs)} ms: ${describe(e.error)}`,
      }),
    ),
    events.on('leak-detected', (e) =>
      history.add({ plugin: e.id, files: [], outcome: 'leaked', reason: e.message, leaks: e.leaks, cleaned: e.cleaned }),
    ),
    events.on('full-reload', (e) => {
      // 'reloading' was written before the page went; 'reloaded' is the same reload seen after it.
      if (e.phase === 'reloaded' && history.entries()[0]?.outcome === 'full-reload') return
      const reason = e.phase === 'offered' ? `${e.reason} (reload offered)` : e.reason
      history.add({ plugin: e.id, files: [], outcome: 'full-reload', reason })
    }),
  ]
  return () => offs.forEach((off) => off())
}
