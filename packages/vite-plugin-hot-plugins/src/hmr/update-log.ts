import { LOG_PREFIX, pluginName, type BatchResult } from '@hot-plugins/client/protocol'
import type { Logger, LogOptions } from 'vite'
import type { ClosedBatch } from './batcher.js'
import { hotPaths } from './registry-update.js'

/** How many files the terminal line names; a checkout says how many more. */
const NAMED_FILES = 3

/** How long a batch's name waits for Vite's line (Vite logs it right after the hotUpdate hooks). */
const NAME_VALID_MS = 1000

/**
 * Vite's terminal line for an update names its boundary, and the boundary of every plugin is the
 * registry module: each save printed `hmr update virtual:hot-plugins`, which says nothing of what
 * changed. In that one line the registry is replaced by what changed and the plugins it is of:
 * the batch's files (`hmr update src/plugins/counter/format.ts → counter`), or, for an update a
 * module's invalidation started (React Fast Refresh giving up on a component module), the module
 * Vite's `hmr invalidate` line just named, through `nameInvalidated`. The registry is matched in
 * each form Vite prints it in (`virtual:hot-plugins`; `/@id/virtual:hot-plugins` in Vite 7); every
 * other line is left as it is.
 */
export function nameRegistryUpdates(
  logger: { info(message: string, options?: LogOptions): void },
  registryUrl: string,
  nameInvalidated: (url: string) => string | undefined = () => undefined,
) {
  const registry = registryPattern(registryUrl)
  let next: { name: string; until: number } | undefined
  let invalidated: string | undefined
  const info = logger.info.bind(logger)
  logger.info = (message, options) => {
    const invalidation = INVALIDATE_LINE.exec(stripAnsi(message))
    if (invalidation) {
      invalidated = invalidation[1]
      return info(message, options)
    }
    if (!UPDATE_LINE.test(message)) return info(message, options)
    // Vite logs the update an invalidation starts right after the `hmr invalidate` line.
    const url = invalidated
    invalidated = undefined
    if (!registry.test(message)) return info(message, options)
    const name = (url === undefined ? undefined : nameInvalidated(url)) ?? takeBatchName()
    return info(name === undefined ? message : message.replace(registry, name), options)
  }
  const takeBatchName = (): string | undefined => {
    if (!next) return undefined
    const { name, until } = next
    next = undefined
    return Date.now() <= until ? name : undefined
  }
  return {
    /** The update of this batch is about to go out. */
    batchSent(batch: Pick<ClosedBatch, 'files' | 'plugins'>): void {
      next = { name: describeBatch(batch), until: Date.now() + NAME_VALID_MS }
    },
  }
}

const UPDATE_LINE = /hmr update/
const INVALIDATE_LINE = /hmr invalidate (\S+)/

/** The registry as Vite prints it: its module URL, or that URL served (`/@id/…`), the longer first. */
function registryPattern(registryUrl: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(hotPaths(registryUrl).sort((a, b) => b.length - a.length).map(escape).join('|'))
}

/** The text of a line without its colours. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

export function describeBatch({ files, plugins }: Pick<ClosedBatch, 'files' | 'plugins'>): string {
  const more = files.length - NAMED_FILES
  const named = more > 0 ? `${files.slice(0, NAMED_FILES).join(', ')} and ${more} more` : files.join(', ')
  return `${named} → ${plugins.join(', ')}`
}

/**
 * The terminal's lines for what a tab reported of a batch: one `reloaded …` line for the plugins
 * swapped (with how many kept their state), one warning per plugin that failed, with its outcome
 * (`kept-old`, `rolled-back`, or `not running` for a plugin that never started).
 */
export function logBatchResult(logger: Pick<Logger, 'info' | 'warn'>, result: BatchResult): void {
  const swapped = result.plugins.filter((p) => p.outcome === 'swapped')
  if (swapped.length > 0) {
    const kept = swapped.filter((p) => p.stateKept).length
    const state = kept === 0 ? '' : kept === swapped.length ? ', state kept' : `, state kept for ${kept} of ${swapped.length}`
    // A remote dev server's plugin is named with it: `charts@localhost:5174`.
    const ids = swapped.map((p) => (p.via === undefined ? pluginName(p.id, p.file) : `${pluginName(p.id, p.file)} (for ${p.via})`)).join(', ')
    logger.info(`${LOG_PREFIX} reloaded ${ids} in ${Math.round(result.durationMs)} ms${state}`, { timestamp: true })
  }
  for (const failed of result.plugins.filter((p) => p.outcome !== 'swapped')) {
    // A plugin that never started kept no old version: nothing of it runs.
    const outcome = failed.running === false ? 'not running' : failed.outcome
    logger.warn(`${LOG_PREFIX} ${failed.error ?? `plugin "${failed.id}" failed to reload`} (${outcome})`, { timestamp: true })
  }
}
