import type { DevEnvironment, EnvironmentModuleNode, HotUpdateOptions } from 'vite'
import type { HotPluginsContext } from '../context.js'
import type { DiscoveryChecks } from '../discovery/checks.js'
import type { BatchTicket } from './batcher.js'
import type { DepartedEntries } from './departed-entries.js'
import type { EntrySetUpdate } from './entry-set-update.js'
import type { FinalContentCheck } from './final-content.js'
import type { UpdatePrefetch } from './update-prefetch.js'
import type { ValidatedTransforms } from './validated-transforms.js'

/** One file event of the client environment, as the steps of the pipeline read it. */
export interface Change extends Pick<HotUpdateOptions, 'type' | 'file' | 'modules' | 'timestamp' | 'read'> {
  environment: DevEnvironment
  /** `file` relative to the Vite root, posix (`../` outside it). */
  relative: string
  /** Its place in the open batch. */
  ticket: BatchTicket<EnvironmentModuleNode>
  /** `fileStamp` of the file right before `read` first read it (`read` reads once per change). */
  stampBeforeRead(): string | undefined
}

/** What a step makes of a change: the modules Vite's update carries (`[]`: none), or `undefined`: leave it to Vite. */
export type Verdict = EnvironmentModuleNode[] | undefined

/** The units the pipeline's steps share, made once per dev server. */
export interface PipelineParts {
  context: HotPluginsContext
  checks: DiscoveryChecks
  finalContent: FinalContentCheck
  entrySet: EntrySetUpdate
  departed: DepartedEntries
  validated: ValidatedTransforms
  prefetch: UpdatePrefetch
}

/** The next import of these modules gets a new `?t=`: the browser keeps every version it loaded. */
export function invalidateForNextImport(environment: DevEnvironment, modules: readonly EnvironmentModuleNode[], timestamp: number): void {
  const seen = new Set<EnvironmentModuleNode>()
  for (const module of modules) environment.moduleGraph.invalidateModule(module, seen, timestamp, true)
}
