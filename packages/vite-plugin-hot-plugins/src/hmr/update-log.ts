import { LOG_PREFIX, pluginName, type BatchResult } from '@hot-plugins/client/protocol'
import type { Logger, LogOptions } from 'vite'
import type { ClosedBatch } from './batcher.js'

/** How many files the terminal line names; a checkout says how many more. */
const NAMED_FILES = 3

/** How long a batch's name waits for Vite's line (Vite logs it right after the hotUpdate hooks). */
const NAME_VALID_MS = 1000

/**
 * Vite's terminal line for an update names its boundary, and the boundary of every plugin is the
 * registry module: each save printed `hmr update virtual:hot-plugins`, which says nothing of what
 * changed. In that one line the registry is replaced by the batch's files and plugins
 * (`hmr update src/plugins/counter/format.ts → counter`); every other line is left as it is.
 */
export function nameRegistryUpdates(logger: { info(message: string, options?: LogOptions): void }, registryUrl: string) {
  let next: { name: string; until: number } | undefined
  const info = logger.info.bind(logger)
  logger.info = (message, options) => {
    if (next && message.includes('hmr update') && message.includes(registryUrl)) {
      const { name, until } = next
      next = undefined
      if (Date.now() <= until) return info(message.replace(registryUrl, name), options)
    }
    return info(message, options)
  }
  return {
    /** The update of this batch is about to go out. */
    batchSent(batch: Pick<ClosedBatch, 'files' | 'plugins'>): void {
      next = { name: describeBatch(batch), until: Date.now() + NAME_VALID_MS }
    },
  }
}

export function describeBatch({ files, plugins }: Pick<ClosedBatch, 'files' | 'plugins'>): string {
  const more = files.length - NAMED_FILES
  const named = more > 0 ? `${files.slice(0, NAMED_FILES).join(', ')} and ${more} more` : files.join(', ')
  return `${named} → ${plugins.join(', ')}`
}

/**
 * The terminal's lines for what a tab reported of a batch: one `reloaded …` line for the plugins
 * swapped (with how many kept their state), one warning per plugin that failed.
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
    logger.warn(`${LOG_PREFIX} ${failed.error ?? `plugin "${failed.id}" failed to reload`} (${failed.outcome})`, { timestamp: true })
  }
}
