import type { Logger } from './types.js'

type Handler<T> = (payload: T) => void

/** A typed event emitter whose throwing listeners are logged, never propagated. */
export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<Handler<never>>>()

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): () => void {
    let set = this.handlers.get(event)
    if (!set) this.handlers.set(event, (set = new Set()))
    set.add(handler as Handler<never>)
    return () => set.delete(handler as Handler<never>)
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        ;(handler as Handler<Events[K]>)(payload)
      } catch (error) {
        this.logger.error(`a listener of "${String(event)}" threw`, error)
      }
    }
  }
}
