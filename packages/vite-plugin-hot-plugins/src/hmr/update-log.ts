import type { LogOptions } from 'vite'
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
