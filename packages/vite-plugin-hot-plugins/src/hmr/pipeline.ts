import { HotEvents, type UpdateAnnouncement } from '@hot-plugins/client/protocol'
import { normalizePath, type EnvironmentModuleNode } from 'vite'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import type { Change, PipelineParts, Verdict } from './change.js'
import { refuseChange } from './compile-check.js'
import { handleDeletedFile, isFileOfDeletedPlugin, isLeftOfDeparted } from './deleted-file.js'
import { entryIds, startValidation, validate, type Validation } from './early-validation.js'
import { changesEntrySet } from './entry-set-update.js'
import { readIfPresent, readNow, savedAgain } from './file-content.js'
import { joinBatch } from './join-batch.js'
import { findOwners, pluginsAbove } from './owners.js'

/**
 * What hotUpdate does with a change of the client environment, step by step: a change of the
 * entry set, a deleted file, a file no plugin owns, or a save of a plugin's file. `undefined`
 * leaves the change to Vite: files that belong to no plugin behave exactly as without this plugin.
 */
export async function handleChange(parts: PipelineParts, change: Change): Promise<Verdict> {
  const { context } = parts
  if (change.type !== 'delete') parts.checks.changed(change.relative)
  const validation = startValidation(parts, change)
  if (await changesEntrySet(context, change)) return entrySetChanged(parts, change)
  if (change.modules.length === 0) return undefined
  const plugins = await context.plugins()
  if (change.type === 'delete') {
    // The entries above it that are gone from disk departed: their stylesheets leave the page.
    parts.departed.noteDeleted(change.modules, entryFileOf(plugins))
    if (isLeftOfDeparted(parts, change)) return []
    return handleDeletedFile(parts, change, plugins)
  }
  const owners = findOwners(change.modules, entryIds(context))
  if (owners.length === 0) return unowned(parts, change, plugins)
  return pluginFileSaved(parts, change, owners, validation)
}

/** An entry created, deleted or renamed (or its `meta.id` changed): the registry gets the new set. */
function entrySetChanged({ departed, entrySet }: PipelineParts, { environment, type, file, modules }: Change): Verdict {
  if (type === 'delete') departed.depart(normalizePath(file))
  // Its next import must read the file again (Vite keeps a deleted module's last transform).
  for (const module of modules) environment.moduleGraph.invalidateModule(module)
  entrySet.changed(file, type)
  return []
}

/** A file no running plugin owns: left to Vite, unless only departed or deleted plugins had it. */
function unowned(parts: PipelineParts, change: Change, plugins: readonly DiscoveredPlugin[]): Verdict {
  if (isLeftOfDeparted(parts, change)) return []
  if (isFileOfDeletedPlugin(parts, change, plugins)) return []
  refreshedInPlace(parts, change)
  return undefined
}

/**
 * A plugin's file whose update a framework's HMR applies in place (a component that accepts its
 * own updates): Vite's update goes as without this plugin, and its final content is checked as a
 * plugin's, so that the last save of a burst, should the watcher drop its event, still reaches
 * the page. The content is read as the event arrives (synchronously: a read that finished later
 * could already see the save whose event is dropped); should the page get a later version with
 * its request, the replay only sends that version again.
 */
function refreshedInPlace({ context, finalContent }: Pick<PipelineParts, 'context' | 'finalContent'>, change: Change): void {
  if (change.type !== 'update' || !context.mayReload(change.relative)) return
  if (pluginsAbove(change.modules, entryIds(context)).length === 0) return
  const content = readNow(change.file)
  if (content !== undefined) finalContent.sent(change.file, content)
}

/**
 * A plugin's file created or saved: unless filtered out, or in a storm of saves, its final content
 * is compiled while the old plugin runs (the check started as the change arrived, if it did),
 * refused if it fails, and otherwise joins the batch.
 */
async function pluginFileSaved(parts: PipelineParts, change: Change, owners: string[], started: Validation | undefined): Promise<Verdict> {
  const { context, checks, finalContent } = parts
  const { environment, file, relative, modules, timestamp } = change
  // Filtered out (a test file, a declaration, an editor's backup…): no plugin reloads for it.
  if (!context.mayReload(relative)) {
    checks.filteredOut(relative, owners)
    return []
  }
  // In a storm of saves the page gets the first version now and the final one when it ends; it
  // still hears of each change, so a version overtaken by a newer save is not reported as failed.
  if (finalContent.inStorm(file)) {
    const storm: UpdateAnnouncement = { files: [relative], plugins: owners, timestamp, storm: true }
    environment.hot.send(HotEvents.update, storm)
    return []
  }
  const content = await readIfPresent(change.read)
  // Deleted right after this event: its delete event follows, and is a removal, not an error.
  if (content === undefined) return []
  finalContent.sent(file, content)
  const failure = await (started ?? validate(parts, change))
  if (await savedAgain(file, change.stampBeforeRead(), content)) {
    // Saved again while being transformed (maybe read half-written): the next save's version goes
    // to the page instead, as a storm's first (a slow transform must not hold it back till the end).
    finalContent.overtaken(file)
    return []
  }
  if (failure) {
    refuseChange(environment, context, { file: relative, plugins: owners }, failure)
    return []
  }
  return joinBatch(parts, change, owners, modules)
}

/** The entry file a module is, if it is one of these plugins' entries. */
function entryFileOf(plugins: readonly DiscoveredPlugin[]): (module: EnvironmentModuleNode) => string | undefined {
  const entries = new Set(plugins.map((p) => p.absFile))
  return (module) => (module.file !== null && entries.has(module.file) ? module.file : undefined)
}
