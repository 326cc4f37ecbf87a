import type { HotPluginsContext } from '../context.js'
import type { Change, PipelineParts } from './change.js'
import { findCompileFailure, type CompileFailure } from './compile-check.js'
import { findOwners } from './owners.js'

/** The plugin id of each entry file, as the last discovery found them. */
export const entryIds = (context: Pick<HotPluginsContext, 'entryByFile'>) => ({ get: (file: string) => context.entryByFile(file)?.id })

/** A compile check under way, started as the change arrived. */
export type Validation = Promise<CompileFailure | undefined>

/** Transforms the changed modules for the compile check: the transform is kept for the browser's request of this update. */
export function validate({ validated }: Pick<PipelineParts, 'validated'>, { environment, file, modules, timestamp, read }: Pick<Change, 'environment' | 'file' | 'modules' | 'timestamp' | 'read'>): Validation {
  return findCompileFailure(environment, modules, (module) => validated.transform(environment, module, timestamp, { file, read }))
}

/**
 * Starts the compile check of a save at once, while the pipeline's other steps (is it a change of
 * the entry set? its content read) run, when it is plainly a plugin's file saved: an update of a
 * file the known plugins own, which may reload them, and not in a storm of saves (whose changes
 * are not compiled one by one). The steps decide as before; a check they do
 * not need is dropped (it never fails: failures are its result). The content is read (and its
 * stamp taken) before the transform begins, so "not saved again since the read" also means the
 * transform saw that content. Meanwhile the page fetches ahead what its update will import.
 */
export function startValidation(parts: Pick<PipelineParts, 'context' | 'validated' | 'finalContent' | 'prefetch'>, change: Change): Validation | undefined {
  const { context, finalContent } = parts
  if (change.type !== 'update' || change.modules.length === 0 || !context.settled()) return undefined
  if (finalContent.stormsNow(change.file)) return undefined
  const owners = findOwners(change.modules, entryIds(context))
  if (owners.length === 0 || !context.mayReload(change.relative)) return undefined
  // A read that fails is the pipeline's to handle, when it reads.
  Promise.resolve(change.read()).catch(() => undefined)
  const validation = validate(parts, change)
  fetchAhead(parts, change, owners)
  return validation
}

/**
 * The page fetches the modules the save's update will import (the changed ones, and the entries
 * of the plugins that own them), answered once the update went out: only for a save that opened
 * its batch, whose update is the batch's (in a burst, the others' go in the first one's).
 */
function fetchAhead({ context, prefetch }: Pick<PipelineParts, 'context' | 'prefetch'>, change: Change, owners: readonly string[]): void {
  if (!change.ticket.opened) return
  const changed = change.modules.filter((m) => m.type === 'js').map((m) => m.url)
  const entries = owners.map((id) => context.pluginById(id)?.url).filter((url) => url !== undefined)
  prefetch.announce(change.timestamp, [...new Set([...changed, ...entries])])
}
