import type { EnvironmentModuleNode } from 'vite'
import { invalidateForNextImport, type Change, type PipelineParts } from './change.js'

/**
 * The change is in its batch; once the batch is announced, its update goes to the browser. One
 * change of the batch carries the modules of all (Vite sends one update per file event, and two
 * updates reaching one entry would swap its plugin twice); the others carry none.
 */
export async function joinBatch(
  { context, validated }: Pick<PipelineParts, 'context' | 'validated'>,
  { environment, ticket, timestamp }: Pick<Change, 'environment' | 'ticket' | 'timestamp'>,
  owners: readonly string[],
  modules: readonly EnvironmentModuleNode[],
): Promise<EnvironmentModuleNode[]> {
  ticket.validated(owners, modules)
  const carried = await ticket.ready
  // A helper whose entry was deleted meanwhile (a folder deleted or checked out as it was saved)
  // imported by nothing now: a dead end for Vite, which would reload the page. The entry's own
  // event removes or re-adds the plugin; the helper's next import gets a fresh `?t=`.
  const plugins = context.known()
  const orphaned = carried.filter((m) => m.importers.size === 0 && !m.isSelfAccepting && !plugins.some((p) => p.absFile === m.file))
  invalidateForNextImport(environment, orphaned, timestamp)
  const sent = carried.filter((m) => !orphaned.includes(m))
  validated.restamp(sent, timestamp)
  return sent
}
