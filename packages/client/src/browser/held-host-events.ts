import { PLUGIN_HOST_EVENTS, type PluginHostEventName } from '../host/events.js'
import type { PluginHost } from '../host/host.js'
import { consoleLogger } from '../host/logger.js'
import type { Logger } from '../host/types.js'
import type { EventClock } from './page-clock.js'

/** An event that came while it was held, with the times it came at. */
interface HeldEvent {
  type: PluginHostEventName
  payload: unknown
  elapsed: number
  wall: number
}

type Handler = (payload: unknown) => void

export interface HeldHostEvents {
  /**
   * The host as seen through the hold: `on` gets, at `release`, every event held until then, then
   * the live ones. Everything else is the host's own.
   */
  readonly host: PluginHost
  /** The times of the event being delivered: a held event's own while it replays, else now. */
  readonly clock: EventClock
  /**
   * Delivers every held event, in order, to the handlers subscribed through `host` by now; from
   * then on, events reach them straight from the host.
   */
  release(): void
  /** Stops holding and forgets what was held (nothing will subscribe). */
  drop(): void
}

/**
 * Holds every event of `host` from now until `release`: what subscribes later (the devtools, whose
 * module arrives after the host attached) still sees the plugins that failed or reloaded meanwhile,
 * each with the time it happened.
 */
export function holdHostEvents(host: PluginHost, clock: EventClock, logger: Logger = consoleLogger): HeldHostEvents {
  let held: HeldEvent[] | undefined = []
  let replaying: HeldEvent | undefined
  const early = new Map<PluginHostEventName, Set<Handler>>()
  const stopHolding = PLUGIN_HOST_EVENTS.map((type) =>
    host.on(type, (payload) => held?.push({ type, payload, elapsed: clock.elapsed(), wall: clock.wall() })),
  )
  const endHold = () => {
    held = undefined
    early.clear()
    stopHolding.forEach((off) => off())
  }

  const on = (type: PluginHostEventName, handler: Handler): (() => void) => {
    if (held) {
      let set = early.get(type)
      if (!set) early.set(type, (set = new Set()))
      set.add(handler)
    }
    // Live events, once nothing is held any more; while it is, they queue behind the held ones.
    const off = host.on(type, (payload) => {
      if (!held) handler(payload)
    })
    return () => {
      early.get(type)?.delete(handler)
      off()
    }
  }

  return {
    host: { ...host, on: on as PluginHost['on'] },
    clock: {
      elapsed: () => replaying?.elapsed ?? clock.elapsed(),
      wall: () => replaying?.wall ?? clock.wall(),
    },
    release() {
      if (!held) return
      // A handler that makes the host emit adds to the queue: it is delivered in turn.
      for (let event = held.shift(); event; event = held.shift()) {
        replaying = event
        for (const handler of [...(early.get(event.type) ?? [])]) {
          try {
            handler(event.payload)
          } catch (error) {
            logger.error(`a listener of "${event.type}" threw`, error)
          }
        }
      }
      replaying = undefined
      endHold()
    },
    drop: endHold,
  }
}
