import { PluginError } from './errors.js'
import type { HostData, Lifecycle } from './core.js'
import type { PluginRecord } from './records.js'
import type { PluginModule, Teardown } from './types.js'

/** Runs a plugin's own code as its current instance: the leak report (dev only) watches what it starts. */
export function runAsPlugin<T>(core: Pick<HostData, 'leaks'>, record: PluginRecord, code: () => T): T {
  return core.leaks ? core.leaks.run(record, code) : code()
}

/**
 * The one activation path of a host, over its data: every plugin instance is activated, given its
 * state, marked running and announced here, and torn down here, whether the host starts, a save
 * swaps it, or its entry is created or deleted while the app runs.
 */
export function createLifecycle(core: HostData, makeContext: (plugin: { id: string; file: string }) => unknown): Lifecycle {
  const run = <T>(record: PluginRecord, code: () => T): T => runAsPlugin(core, record, code)

  const warn: Lifecycle['warn'] = (record, message, error) => {
    core.logger.warn(`plugin "${record.id}" (${record.file}): ${message}`, error)
    core.events.emit('warning', { id: record.id, file: record.file, message, error })
  }

  const fail: Lifecycle['fail'] = (record, error) => {
    record.status = 'failed'
    record.error = error
    core.logger.error(error.message, error.cause)
    core.events.emit('plugin-failed', { id: record.id, file: record.file, error })
  }

  const activate = async (record: PluginRecord, module: PluginModule): Promise<Teardown | undefined> => {
    if (typeof module.activate !== 'function') {
      throw new PluginError(record.id, record.file, 'activate', undefined, 'the module has no activate() export')
    }
    let result: unknown
    try {
      record.context ??= makeContext({ id: record.id, file: record.file })
      core.leaks?.activating(record)
      result = await run(record, () => module.activate(record.context))
    } catch (error) {
      core.leaks?.stopped(record, 'failed')
      throw new PluginError(record.id, record.file, 'activate', error)
    }
    if (result !== undefined && typeof result !== 'function') {
      warn(record, `activate() returned a ${typeof result}; return a teardown function or nothing`)
    }
    return typeof result === 'function' ? (result as Teardown) : undefined
  }

  const deactivate: Lifecycle['deactivate'] = async (record, module, teardown, end = 'teardown') => {
    for (const step of [teardown, module.deactivate?.bind(module)]) {
      if (!step) continue
      try {
        await run(record, step)
      } catch (error) {
        const failure = new PluginError(record.id, record.file, 'deactivate', error)
        warn(record, `${failure.reason} (it may leave timers or listeners behind)`, error)
      }
    }
    core.leaks?.stopped(record, end)
  }

  const stop: Lifecycle['stop'] = async (record, end) => {
    if (record.module) await deactivate(record, record.module, record.teardown, end)
    record.module = undefined
    record.teardown = undefined
  }

  const start: Lifecycle['start'] = async (record, module, { startedAt, giveState, instead, onFailure }) => {
    try {
      record.teardown = await activate(record, module)
    } catch (error) {
      if (instead && (await instead(error as PluginError))) return true
      ;(onFailure ?? ((failure: PluginError) => fail(record, failure)))(error as PluginError)
      return false
    }
    record.module = module
    record.version = module.meta?.version
    // The state it had before it stopped (given by the hot engine), or the state saved for it.
    const refused = await (giveState ?? core.stateHooks?.restore)?.(record, module)
    // It would run without its saved state: another version (its last good one) takes that state instead.
    if (instead && refused && (await instead(new PluginError(record.id, record.file, 'set-state', refused.error)))) return true
    record.status = 'idle'
    record.error = undefined
    core.events.emit('plugin-activated', {
      id: record.id,
      file: record.file,
      version: record.version,
      durationMs: core.now() - startedAt,
    })
    return true
  }

  return { activate, deactivate, stop, start, fail, warn }
}
