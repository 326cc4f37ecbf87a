import { describe } from '../../host/errors.js'
import { loadEach, type StateStore } from './state.js'
import type { Logger } from '../../host/types.js'

/**
 * A browser that duplicates a tab copies its sessionStorage, tab id included, so the copy would
 * share the original's state records. At start a tab that found an id asks the other tabs of the
 * origin "who has tab id X?"; a live tab holding X answers, and the asking one is a duplicate: it
 * takes a fresh id and a copy of X's records, so it starts where the original was and then goes on
 * on its own.
 */

/** What tabs say to each other over the channel. */
export type TabMessage =
  | { type: 'hot-plugins:who-has'; tab: string; asker: string; startedAt: number }
  | { type: 'hot-plugins:has'; tab: string; to: string }

/** The part of a `BroadcastChannel` the handshake needs: it reaches every other tab of the origin. */
export interface TabChannel {
  post(message: TabMessage): void
  /** Calls `listener` with every message another tab posts. */
  listen(listener: (message: unknown) => void): void
}

export interface TabIdentityOptions {
  /** The id this tab's sessionStorage holds (a duplicated tab holds its original's); none for a new tab. */
  stored: string | undefined
  /** Absent where tabs cannot talk (no BroadcastChannel): the stored id is kept. */
  channel: TabChannel | undefined
  newId(): string
  /** When this page started (ms since the epoch): of two pages starting with one id, the later is the copy. */
  startedAt: number
  /** How long to wait for a tab holding the id to answer. */
  waitMs: number
  setTimer(run: () => void, ms: number): void
}

/** This tab's id once the handshake is over; `duplicateOf`: the tab this one was duplicated from. */
export interface SettledTab {
  id: string
  duplicateOf?: string
}

export interface TabIdentity {
  /** The id found at start (or a fresh one): until settled, state is read under it. */
  readonly initial: string
  /** The id this tab holds now: the initial one until the handshake says this tab is a duplicate. */
  current(): string
  readonly settled: Promise<SettledTab>
}

/** How long a tab that found an id waits for a live tab holding it: a message between tabs takes a few ms. */
export const TAB_HANDSHAKE_WAIT_MS = 250

export function createTabIdentity(options: TabIdentityOptions): TabIdentity {
  const { channel } = options
  const initial = options.stored ?? options.newId()
  const asker = options.newId()
  let id = initial
  let pending = options.stored !== undefined && channel !== undefined
  let settle!: (tab: SettledTab) => void
  const settled = new Promise<SettledTab>((resolve) => (settle = resolve))
  const finish = (tab: SettledTab) => {
    if (!pending) return
    pending = false
    id = tab.id
    settle(tab)
  }

  // Of two pages asking for one id at once, the one that started first holds it: the other answers
  // the later one's question, and the later one, hearing the earlier one's question, knows it is the copy.
  const earlier = (question: Extract<TabMessage, { type: 'hot-plugins:who-has' }>): boolean =>
    options.startedAt < question.startedAt || (options.startedAt === question.startedAt && asker < question.asker)
  const duplicate = () => finish({ id: options.newId(), duplicateOf: initial })

  channel?.listen((message) => {
    if (!isTabMessage(message)) return
    if (message.type === 'hot-plugins:has') {
      if (message.to === asker && message.tab === initial && pending) duplicate()
    } else if (message.tab === id && message.asker !== asker) {
      if (!pending || earlier(message)) channel.post({ type: 'hot-plugins:has', tab: message.tab, to: message.asker })
      else duplicate()
    }
  })
  if (pending) {
    channel!.post({ type: 'hot-plugins:who-has', tab: initial, asker, startedAt: options.startedAt })
    options.setTimer(() => finish({ id: initial }), options.waitMs)
  } else {
    settle({ id: initial })
  }
  return { initial, current: () => id, settled }
}

function isTabMessage(value: unknown): value is TabMessage {
  const message = value as Partial<Record<string, unknown>> | null
  if (typeof message?.tab !== 'string') return false
  if (message.type === 'hot-plugins:has') return typeof message.to === 'string'
  return message.type === 'hot-plugins:who-has' && typeof message.asker === 'string' && typeof message.startedAt === 'number'
}

/** A store keyed by tab that can copy one tab's records to another. */
export interface TabStateStore extends StateStore {
  /** Copies every record of tab `from` (of this store's project) to tab `to`; resolves with how many. */
  copyTab(from: string, to: string): Promise<number>
}

/**
 * The state store of a tab whose id may still change: reads go to the id found at start (a
 * duplicate's copy of the original's records is the same), writes wait until the id is settled —
 * and, for a duplicate, until the original's records are copied under its own id.
 */
export function storeOfSettledTab<S extends TabStateStore>(
  open: (tab: () => string) => S,
  identity: Pick<TabIdentity, 'initial' | 'settled'>,
  logger: Pick<Logger, 'warn'>,
): { store: StateStore; durable: S; ready: Promise<void> } {
  let tab = identity.initial
  const durable = open(() => tab)
  const ready = identity.settled.then(async ({ id, duplicateOf }) => {
    if (duplicateOf !== undefined) {
      try {
        await durable.copyTab(duplicateOf, id)
      } catch (error) {
        logger.warn(`this tab is a copy of another tab; its plugin state could not be copied (${describe(error)}), so it starts with none saved`)
      }
    }
    tab = id
  })
  const afterReady =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await ready
      return call(...args)
    }
  const store: StateStore = {
    load: (pluginId) => durable.load(pluginId),
    loadMany: (pluginIds) => loadEach(durable, pluginIds),
    saveMany: afterReady((records: Parameters<StateStore['saveMany']>[0]) => durable.saveMany(records)),
    setAside: afterReady((pluginId: string, record: Parameters<StateStore['setAside']>[1]) => durable.setAside(pluginId, record)),
    clear: afterReady((pluginId?: string) => durable.clear(pluginId)),
  }
  return { store, durable, ready }
}
