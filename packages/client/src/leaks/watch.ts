import type { LeakMode } from '../protocol/index.js'
import type { HostData, InstanceEnd, InstanceWatch } from '../host/core.js'
import type { PluginRecord } from '../host/records.js'
import { describeLeaks, toLeak, type LeakFound } from './report.js'
import { describeSite, startSite, type Frame, type StartSite } from './site.js'
import type { LeakTracker, Owner, Resource } from './tracker.js'

/** How a host reports leaks. */
export interface LeakWatchOptions {
  tracker: LeakTracker
  /** `warn`: report; `clean`: report and stop what was left. */
  mode: Exclude<LeakMode, 'off'>
  /** Whether a stack frame is this runtime's own (leaks/site.ts `runtimeFiles`). */
  isRuntime: (url: string) => boolean
  /** Maps a frame of served code to its source (the browser's stacks name served code); absent: frames are sources already. */
  mapFrame?: (frame: Frame) => Promise<Frame>
}

/** An InstanceWatch that can also be waited for: reports are told once their sites are mapped. */
export interface LeakWatch extends InstanceWatch {
  /** Resolves once every report started so far was told. */
  flush(): Promise<void>
}

/**
 * Watches the plugin instances of one host: their code runs as their own owner on the tracker;
 * after a teardown, what the instance still runs is reported once (console and `leak-detected`)
 * and, with `clean`, stopped.
 */
export function createLeakWatch(core: Pick<HostData, 'events' | 'logger'>, options: LeakWatchOptions): LeakWatch {
  const { tracker } = options
  const owners = new Map<PluginRecord, Owner>()
  const telling = new Set<Promise<void>>()

  const tell = async (record: PluginRecord, left: readonly Started[], how: InstanceEnd, cleaned: boolean) => {
    const found = await Promise.all(left.map((started) => locate(started, record.file, options)))
    const message = describeLeaks(record, found, how, cleaned ? (neverLive(how) ? 'never-live' : 'clean') : undefined)
    core.logger.warn(message)
    core.events.emit('leak-detected', { id: record.id, file: record.file, leaks: found.map(toLeak), message, cleaned, failed: how === 'failed' })
  }

  return {
    activating(record) {
      const before = owners.get(record)
      if (before) tracker.sweep(before)
      owners.set(record, tracker.owner(record.id, record.file))
    },
    run(record, code) {
      const owner = owners.get(record)
      return owner ? tracker.run(owner, code) : code()
    },
    stopped(record, how) {
      const owner = owners.get(record)
      if (!owner) return
      owners.delete(record)
      // Each stack read once: what a dependency started is not the plugin's to report.
      const swept = tracker.sweep(owner).map((resource) => ({ resource, site: startSite(resource.startedAt.stack, record.file, options.isRuntime) }))
      const left = swept.filter(({ site }) => site?.byLibrary !== true)
      // An instance that never went live leaves nothing, whatever the mode: its nodes go too when a
      // library inserted them; a library's other resources (React's listeners on the document) stay its own.
      const cleared = neverLive(how) ? swept.filter(({ resource, site }) => resource.kind === 'node' || site?.byLibrary !== true) : options.mode === 'clean' ? left : []
      for (const { resource } of cleared) stop(resource)
      if (left.length === 0) return
      const told = tell(record, left, how, cleared.length > 0).catch((error: unknown) => core.logger.error(`plugin "${record.id}": the leak report failed`, error))
      telling.add(told)
      void told.finally(() => telling.delete(told))
    },
    flush: async () => {
      while (telling.size > 0) await Promise.all(telling)
    },
  }
}

/** Whether an instance that ended so ever went live: one that did not must leave nothing. */
function neverLive(how: InstanceEnd): boolean {
  return how !== 'teardown'
}

/**
 * What a dependency started on the plugin's behalf is the library's to stop: React keeps its
 * listeners on a root's container and on the document on purpose (and adds none when it renders
 * there again), Vue's devtools hook sets a one-off timer. Not reported.
 */
/** A resource left running, and where it was started (undefined: only the runtime's frames). */
interface Started {
  resource: Resource
  site: StartSite | undefined
}

async function locate({ resource, site }: Started, pluginFile: string, options: LeakWatchOptions): Promise<LeakFound> {
  if (!site) return { resource, site: undefined }
  const frame = options.mapFrame ? await options.mapFrame(site.frame).catch(() => site.frame) : site.frame
  return { resource, site: describeSite(frame, pluginFile) }
}

function stop(resource: Resource): void {
  try {
    resource.dispose()
  } catch {
    // Already gone (a node its parent dropped, a closed socket): nothing left to stop.
  }
}
