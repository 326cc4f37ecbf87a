import { HotEvents, LOG_PREFIX, RESOLVED_VIRTUAL_REGISTRY_ID, type CompileErrorAnnouncement } from '@hot-plugins/client/protocol'
import { init } from 'es-module-lexer'
import { existsSync } from 'node:fs'
import { normalizePath, type DevEnvironment, type EnvironmentModuleNode } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { defaultIdOf, type DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { describeEntrySetChange, diffEntrySets, type EntrySetChange } from '../discovery/entry-set.js'
import { readStaticMetaId } from '../discovery/plugin-ids.js'
import type { DepartedEntries } from './departed-entries.js'
import { readIfPresent } from './file-content.js'
import { createCoalescedRunner } from './coalesced-runner.js'
import { createRegistryUpdater } from './registry-update.js'

/** What the entry-set update reads and writes. */
export interface EntrySetUpdateParts {
  context: HotPluginsContext
  environment: DevEnvironment
  departed: DepartedEntries
  /** Replays a file event as a change (the watcher's `change`). */
  replay(file: string): void
}

/** Quiet time after the last entry created or deleted before the browser gets the new set (a folder rename is a delete and a create). */
const ENTRY_SET_QUIET_MS = 50

export type EntrySetUpdate = ReturnType<typeof createEntrySetUpdate>

/**
 * Entries created, deleted or moved reach the running page as a new registry (no page reload):
 * once the entry events have been quiet for a moment, the entries are discovered again and the
 * registry module is updated.
 */
export function createEntrySetUpdate(parts: EntrySetUpdateParts, quietMs = ENTRY_SET_QUIET_MS) {
  // Entry files deleted or created since the set of plugins was last discovered.
  const rewritten = new Set<string>()
  const sendRegistryUpdate = createRegistryUpdater()
  const runner = createCoalescedRunner(async () => {
    const touched = [...rewritten]
    rewritten.clear()
    const change = await rediscover(parts, sendRegistryUpdate)
    replayRewritten(parts, touched, change)
  }, quietMs)
  return {
    /** An event of an entry file changed the entry set (`type` as Vite's hotUpdate has it). */
    changed(file: string, type: 'create' | 'update' | 'delete'): void {
      if (type !== 'update') rewritten.add(normalizePath(file))
      runner.changed()
    },
    /** Something besides an entry file may have changed the set (a package linked, a package.json): discover again. */
    refresh(): void {
      runner.changed()
    },
    dispose: runner.dispose,
  }
}

/**
 * An entry deleted and written again before the new set was discovered (a checkout) is the same
 * plugin with new code: its content goes through as a save would.
 */
function replayRewritten({ context, replay }: EntrySetUpdateParts, touched: readonly string[], change: EntrySetChange | undefined): void {
  const fresh = new Set([...(change?.added ?? []), ...(change?.moved.map((m) => m.to) ?? [])].map((p) => p.absFile))
  for (const file of touched) if (!fresh.has(file) && context.entryByFile(file) && existsSync(file)) replay(file)
}

/**
 * The set of plugins changed: discover again and update the registry module. It accepts its own
 * update, so the page adds, removes and moves plugins without reloading. Two entries with one id
 * are shown in Vite's overlay and change nothing; the next entry change tries again.
 */
async function rediscover(
  { context, environment, departed }: EntrySetUpdateParts,
  sendRegistryUpdate: (environment: DevEnvironment, registry: EnvironmentModuleNode) => void,
): Promise<EntrySetChange | undefined> {
  const before = context.known()
  const failedBefore = context.discoveryFailed()
  context.rediscover()
  let after: DiscoveredPlugin[]
  try {
    after = await context.plugins()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    context.logger?.error(`${message} The running plugins are unchanged.`, { timestamp: true })
    environment.hot.send({ type: 'error', err: { message, stack: '' } })
    const refused: CompileErrorAnnouncement = { file: '', plugins: [], message }
    environment.hot.send(HotEvents.error, refused)
    return undefined
  }
  const change = diffEntrySets(before, after)
  departed.sync(before, after)
  if (!change.changed && !failedBefore) return change
  // One line naming what changed, in place of Vite's `hmr update virtual:hot-plugins`.
  if (change.changed) context.logger?.info(`${LOG_PREFIX} ${describeEntrySetChange(change)}`, { timestamp: true })
  const registry = environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)
  if (registry) sendRegistryUpdate(environment, registry)
  return change
}

/** Whether this file event adds or removes a plugin entry, or changes an entry's literal `meta.id`. */
export async function changesEntrySet(
  context: HotPluginsContext,
  { type, file, relative, read }: { type: 'create' | 'update' | 'delete'; file: string; relative: string; read(): string | Promise<string> },
): Promise<boolean> {
  // A plugin package's package.json names its entry: the entry may have moved, or be gone.
  if (isPluginManifest(context, normalizePath(file))) return true
  if (!context.isEntryPath(relative)) return false
  // An entry created or deleted: discover again (the watcher may report a rename's delete after the
  // create, once the new set was already discovered; the discovery then finds nothing new). And
  // when the last discovery failed (two entries with one id), any change of an entry may fix it.
  if (type !== 'update' || context.discoveryFailed()) return true
  const known = (await context.plugins()).find((p) => p.absFile === normalizePath(file))
  if (!known) return false
  const code = await readIfPresent(read)
  // Deleted right after it was saved: its delete event follows; discovering again now does no harm.
  if (code === undefined) return true
  await init
  return (readStaticMetaId(code) ?? defaultIdOf(known)) !== known.id
}

/** Whether this absolute file is the package.json of a plugin package now running. */
export function isPluginManifest(context: HotPluginsContext, file: string): boolean {
  return file.endsWith('/package.json') && context.known().some((p) => p.packageDir !== undefined && `${p.packageDir}/package.json` === file)
}
