import type { BatchResult, CompileErrorAnnouncement, UpdateAnnouncement } from '../protocol/index.js'
import type { PluginHost } from '../host/host.js'
import type { PluginModule } from '../host/types.js'

/** A plugin entry as a source declares it (in dev: as the generated registry module lists it). */
export interface EntryDeclaration {
  id: string
  /** Relative to the project root. */
  file: string
  /** The URL the entry is imported by (and imported again by, to retry or reload it). */
  url: string
  load(): Promise<PluginModule>
}

/**
 * What the engine takes from a source. None of these throws: a failure is logged through the
 * hosts, so a source may call them from a transport that a throw would break.
 */
export interface UpdateSink {
  /** New versions of these plugins are coming (one batch when `batch` is set; a storm: they may queue up). */
  announced(announcement: UpdateAnnouncement): void
  /** The new version of `id` is on its way; `timestamp` names it, to import it again should it fail. */
  coming(id: string, timestamp?: number): void
  /** The new version of `id` arrived, evaluated; undefined when importing it failed. */
  arrived(id: string, module: PluginModule | undefined): void
  /** New code of these plugins was refused before it reached the page (it does not compile): the old code runs on. */
  refused(announcement: CompileErrorAnnouncement): void
  /** The set of plugin entries is now `next` (entries were created, deleted or moved). */
  entriesChanged(next: readonly EntryDeclaration[]): void
  /** A command: import `id` from its current file and swap it in, as a save would. */
  reloadNow(id: string): void
  /** The page is about to reload: resolves once every plugin's state is saved; never rejects. */
  saveBeforeReload(): Promise<void>
  /** Runs a handler of the source: what it throws is logged through the hosts, never passed on. */
  guard(handler: () => void): void
}

/**
 * What delivers new versions of plugin modules to the engine — entry-set changes, refused
 * compiles and commands too — and hears back what became of them. In dev, Vite's HMR channel is
 * one (sources/vite-hmr.ts); another dev server, or updates of a production build, would be others.
 */
export interface UpdateSource {
  /** Names the source in the events of the swaps it brings (`source: 'feed'`); the dev server's has none. */
  readonly name?: string
  /** Called once, when the engine is created: from now on the source delivers to `sink`. */
  connect(sink: UpdateSink): void
  /** What an update (one batch, or one plugin) came to, for whoever announced it. */
  batchApplied(result: BatchResult): void
  /** An entry-set change ran: removed plugins are torn down, added ones run (with what they import). */
  entriesApplied(): void
  /** A host attached; a source may watch its public events. Returns what stops watching. */
  hostAttached?(host: PluginHost): () => void
}
