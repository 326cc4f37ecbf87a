import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

/** Quiet time after the last event of a file before its content on disk is checked. */
export const FINAL_CONTENT_QUIET_MS = 150

/** Events of one file closer together than this are a storm: updates wait for it to end. */
export const STORM_WINDOW_MS = 100

/**
 * Makes sure the final content of a plugin file is what runs. File watchers throttle events per
 * path, so in a burst of saves (a formatter, a `git checkout`) the last event can be lost and the
 * page would stay on an older version. Each update records the content it was built from; once the
 * file has been quiet for a moment, its content on disk is compared, and if it differs the change is
 * replayed through the normal update path.
 */
export function createFinalContentCheck(replay: (file: string) => void, quietMs = FINAL_CONTENT_QUIET_MS, stormMs = STORM_WINDOW_MS) {
  const sent = new Map<string, string>()
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const lastEventAt = new Map<string, number>()
  const stormsAt = (file: string, now: number) => {
    const previous = lastEventAt.get(file)
    return previous !== undefined && now - previous < stormMs
  }
  const schedule = (file: string) => {
    clearTimeout(timers.get(file))
    timers.set(file, setTimeout(() => void check(file), quietMs))
  }
  const digest = (content: string) => createHash('sha1').update(content).digest('hex')

  const check = async (file: string) => {
    timers.delete(file)
    const expected = sent.get(file)
    let current: string
    try {
      current = digest(await readFile(file, 'utf8'))
    } catch {
      return // deleted meanwhile: the watcher reports that on its own
    }
    if (expected !== undefined && current !== expected) replay(file)
  }

  return {
    /**
     * Whether this event of `file` comes in a storm (the previous one was moments ago): then no
     * update is sent now; once the file is quiet, its final content is replayed if not yet sent.
     */
    inStorm(file: string, now = Date.now()): boolean {
      const storm = stormsAt(file, now)
      lastEventAt.set(file, now)
      if (storm) schedule(file)
      return storm
    },
    /** Whether an event of `file` now would come in a storm (nothing is recorded). */
    stormsNow: (file: string, now = Date.now()): boolean => stormsAt(file, now),
    /**
     * `file` was saved again while its change was handled, so that change is dropped: its next
     * event is not a storm's (nothing of this storm reached the page yet, and the page gets the
     * first version at once), and once the file is quiet its content is checked again.
     */
    overtaken(file: string): void {
      lastEventAt.delete(file)
      schedule(file)
    },
    /** An update of `file` built from `content` is on its way. */
    sent(file: string, content: string): void {
      sent.set(file, digest(content))
      schedule(file)
    },
    dispose(): void {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}

export type FinalContentCheck = ReturnType<typeof createFinalContentCheck>
