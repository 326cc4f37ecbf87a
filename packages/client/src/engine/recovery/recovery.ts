import type { FallbackMode, ReloadResult, RetryPolicy } from '../../protocol/index.js'
import type { HostCore } from '../../host/core.js'
import { backoffDelay, createFailureCounter, isTransientImportError } from './policy.js'
import type { PluginModule } from '../../host/types.js'

/** Why this product reloaded the page; kept across the reload to say so afterwards. */
export interface FullReloadReason {
  id: string
  file: string
  reason: string
  failures: number
}

export interface RecoveryOptions {
  retry: RetryPolicy
  fallback: FallbackMode
  failuresBeforeFallback: number
  /** Imports a plugin's new version again: `url` as the registry knows it, `query` like `t=123`. */
  importModule?: (url: string, query: string) => Promise<PluginModule>
  sleep: (ms: number) => Promise<void>
  random?: () => number
  /** Wall-clock ms, for the timestamp of a retried import. @default Date.now */
  wallClock?: () => number
  /** Saves every plugin's state and marks the coming reload as ours, so state is restored after it. */
  prepareReload: () => Promise<void>
  rememberReloadReason?: (reason: FullReloadReason) => void
  reloadPage?: () => void
  /** With `fallback: 'hot-only'`: shows the offer to reload. */
  offerReload?: (reason: FullReloadReason) => void
}

export type Recovery = ReturnType<typeof createRecovery>

/**
 * What happens after a new version fails: import failures that may pass (a failed fetch) are
 * retried with backoff; code that throws is not. A plugin failing `failuresBeforeFallback` times in
 * a row gets the fallback: its state is saved and the page reloads once (or the reload is offered).
 */
export function createRecovery(hosts: ReadonlySet<HostCore>, options: RecoveryOptions) {
  const failures = createFailureCounter(options.failuresBeforeFallback)
  let reloading = false

  const emitAll = (build: (host: HostCore) => void) => {
    for (const host of hosts) build(host)
  }
  const fileOf = (id: string): string => {
    for (const host of hosts) {
      const record = host.records.get(id)
      if (record) return record.file
    }
    return ''
  }

  const fallBack = async (id: string, count: number, error: string | undefined): Promise<void> => {
    const reason: FullReloadReason = {
      id,
      file: fileOf(id),
      failures: count,
      reason: `plugin "${id}" failed to reload ${count} times in a row${error ? ` (last: ${error})` : ''}`,
    }
    if (options.fallback === 'hot-only') {
      emitAll((host) => host.events.emit('full-reload', { ...reason, phase: 'offered' }))
      options.offerReload?.(reason)
      return
    }
    if (reloading) return
    reloading = true
    emitAll((host) => {
      host.logger.warn(`${reason.reason}; reloading the page once, its state saved`)
      host.events.emit('full-reload', { ...reason, phase: 'reloading' })
    })
    options.rememberReloadReason?.(reason)
    await options.prepareReload()
    options.reloadPage?.()
  }

  return {
    /** Counts the outcome of a reload of `id` (once per update, whatever the number of hosts). */
    countOutcome(result: ReloadResult | undefined): void {
      if (!result) return
      if (result.outcome === 'swapped') return failures.succeeded(result.id)
      const { count, tripped } = failures.failed(result.id)
      if (tripped) void fallBack(result.id, count, result.error)
    },

    /**
     * The source's import of `id`'s new version failed, or gave a module without `activate` (a
     * file read while it was being written can be empty). Imports it again to learn why; retries
     * while the failure may pass. Resolves to the module, or to the error that stopped it.
     * `stillCurrent` says whether no newer update of the plugin arrived meanwhile.
     */
    async recover(
      id: string,
      url: string | undefined,
      timestamp: number | undefined,
      stillCurrent: () => boolean,
      incomplete?: PluginModule,
    ): Promise<{ module: PluginModule } | { error: unknown } | undefined> {
      if (!options.importModule || url === undefined || timestamp === undefined) {
        return incomplete ? { module: incomplete } : { error: undefined }
      }
      return importWithRetries(options.importModule, url, timestamp, stillCurrent, options, (attempt, delayMs, error) =>
        emitAll((host) => {
          const record = host.records.get(id)
          if (record) host.events.emit('retrying', { id, file: record.file, attempt, delayMs, error })
        }),
      )
    },

    /** After a reload this product made: say why, once, to each host that attaches. */
    announceReloaded(host: HostCore, reason: FullReloadReason): void {
      host.logger.warn(`the page was reloaded because ${reason.reason}; plugin state was restored`)
      host.events.emit('full-reload', { ...reason, phase: 'reloaded' })
    },
  }
}

/**
 * Imports a version again until it loads, its failure cannot pass, or the attempts are spent;
 * undefined once a newer version came while it waited to retry.
 */
async function importWithRetries(
  importModule: NonNullable<RecoveryOptions['importModule']>,
  url: string,
  timestamp: number,
  stillCurrent: () => boolean,
  options: Pick<RecoveryOptions, 'retry' | 'sleep' | 'random' | 'wallClock'>,
  retrying: (attempt: number, delayMs: number, error: unknown) => void,
): Promise<{ module: PluginModule } | { error: unknown } | undefined> {
  for (let attempt = 0; ; attempt++) {
    let reason: unknown
    try {
      // Only `t` varies: Vite strips it from module ids, so every retry stays the same module
      // in its graph (any other query would add a module without importers, and the next
      // change of the file would make Vite reload the page); a new `t` makes the browser fetch.
      const t = attempt === 0 ? timestamp : Math.max(timestamp + attempt, (options.wallClock ?? Date.now)())
      const module = await importModule(url, `t=${t}`)
      if (typeof module.activate === 'function' || attempt >= options.retry.attempts) return { module }
      reason = new Error('the new version has no activate() export (yet: the file may have been read while being written)')
    } catch (error) {
      if (!isTransientImportError(error) || attempt >= options.retry.attempts) return { error }
      reason = error
    }
    const delayMs = backoffDelay(attempt + 1, options.retry, options.random)
    retrying(attempt + 1, delayMs, reason)
    await options.sleep(delayMs)
    if (!stillCurrent()) return undefined
  }
}
