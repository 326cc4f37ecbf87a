import type { ViteDevServer } from 'vite'
import { quantile, round } from './stats'

// Where the time of one swap goes, phase by phase, on both sides of the socket and on one clock
// (epoch ms: Node's `performance.timeOrigin + performance.now()`, the page's the same). The dev
// server's stamps come from wrappers this module puts around the server's watcher, transform and
// channel (nothing in the product records anything); the page's from installPageTrace (in-page.ts),
// the fixture's module and the host's `reload-completed` phases.

/** Node's clock in epoch milliseconds. */
const now = (): number => performance.timeOrigin + performance.now()

/** What the dev server did after a save, each the first time after it. */
export interface ServerStamps {
  /** The watcher's `change` event (before Vite's own listener runs). */
  watcherEvent?: number
  /** The first transform of the changed file began and ended (ours: the validation; plain: the browser's request). */
  transformStart?: number
  transformEnd?: number
  /** `hot-plugins:update` went out. */
  announced?: number
  /** Vite's `update` went out. */
  viteUpdateSent?: number
}

export interface ServerTrace {
  /** Forgets earlier stamps: the next save, of this root-relative file, is recorded. */
  reset(file: string): void
  read(): ServerStamps
}

/** Wraps the dev server's watcher, the client environment's transformRequest and hot.send to stamp a save's way through. */
export function attachServerTrace(server: ViteDevServer): ServerTrace {
  let stamps: ServerStamps = {}
  let file = '\0'
  const first = (key: keyof ServerStamps, at = now()) => {
    if (stamps[key] === undefined) stamps[key] = at
  }
  // Ahead of Vite's listener, which starts the update synchronously.
  server.watcher.prependListener('change', (changed: string) => {
    if (changed.endsWith(file)) first('watcherEvent')
  })
  const environment = server.environments.client
  const transformRequest = environment.transformRequest.bind(environment)
  environment.transformRequest = async (url, ...rest) => {
    const mine = url.split('?')[0]!.endsWith(file) && stamps.transformStart === undefined
    if (mine) first('transformStart')
    try {
      return await transformRequest(url, ...rest)
    } finally {
      if (mine) first('transformEnd')
    }
  }
  const hot = environment.hot
  const send = hot.send.bind(hot) as (...args: unknown[]) => void
  hot.send = ((...args: unknown[]) => {
    const [payload] = args
    const name = typeof payload === 'string' ? payload : (payload as { type?: string; event?: string }).type === 'custom' ? (payload as { event: string }).event : (payload as { type: string }).type
    if (name === 'hot-plugins:update') first('announced')
    if (name === 'update') first('viteUpdateSent')
    send(...args)
  }) as typeof hot.send
  return {
    reset(next) {
      stamps = {}
      file = `/${next}`
    },
    read: () => ({ ...stamps }),
  }
}

/** What the page saw after a save (epoch ms), as installPageTrace and the fixture record them. */
export interface PageStamps {
  /** `hot-plugins:update` and Vite's `update` reached the page's socket. */
  announcedReceived?: number
  viteUpdateReceived?: number
  /** The new module's response ended (resource timing). */
  fetched?: number
  /** The new module's body began to run. */
  evaluated?: number
  /** From the host's `reload-completed` (ours only): the new module in hand, old instance gone, new one active, state handed over. */
  imported?: number
  tornDown?: number
  activated?: number
  stateRestored?: number
  /** The DOM showed the new code with its state (the sample's end). */
  rendered: number
}

/** One save, traced: both sides' stamps, and when the save was made. */
export interface TracedSave {
  savedAt: number
  server: ServerStamps
  page: PageStamps
}

/** The phases a traced save goes through, in order, with the side that stamps it. */
export const PHASES = [
  ['watcherEvent', 'server', 'watcher event'],
  ['transformStart', 'server', 'owners found, file read: first transform starts'],
  ['transformEnd', 'server', 'first transform done (ours: compiled/validated)'],
  ['announced', 'server', '`hot-plugins:update` sent'],
  ['viteUpdateSent', 'server', "Vite's `update` sent"],
  ['announcedReceived', 'page', '`hot-plugins:update` received'],
  ['viteUpdateReceived', 'page', "Vite's `update` received"],
  ['fetched', 'page', 'new module fetched'],
  ['evaluated', 'page', 'new module evaluated'],
  ['imported', 'page', 'new module in hand (engine)'],
  ['tornDown', 'page', 'old instance torn down'],
  ['activated', 'page', 'new instance activated'],
  ['stateRestored', 'page', 'state restored'],
  ['rendered', 'page', 'DOM shows it'],
] as const

export type PhaseName = (typeof PHASES)[number][0]

/** Per phase: the median time after the save (ms), and in how many of the saves it was seen. */
export type PhaseTimes = Partial<Record<PhaseName, { p50: number; seen: number }>>

export function summarizeTrace(saves: readonly TracedSave[]): PhaseTimes {
  const times: PhaseTimes = {}
  for (const [name, side] of PHASES) {
    const after = saves
      .map((save) => {
        const at = side === 'server' ? save.server[name as keyof ServerStamps] : save.page[name as keyof PageStamps]
        return at === undefined ? undefined : at - save.savedAt
      })
      .filter((ms): ms is number => ms !== undefined)
    if (after.length > 0) times[name] = { p50: round(quantile(after, 0.5)), seen: after.length }
  }
  return times
}
