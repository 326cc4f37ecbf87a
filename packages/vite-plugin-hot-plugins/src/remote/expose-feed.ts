import type { ExposedEntry, ExposeMessage } from '@hot-plugins/client/protocol'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** A host's dev server listening to this one, and where the URLs it is sent point (the address it came by). */
interface Listener {
  res: ServerResponse
  origin: string
}

/** An exposed plugin as this server knows it (its URL relative to the server's base). */
export interface ExposedPlugin {
  id: string
  file: string
  url: string
}

/** Keeps the connection of a quiet feed open through proxies and idle timeouts. */
const KEEP_ALIVE_MS = 15_000

export type ExposeFeed = ReturnType<typeof createExposeFeed>

/**
 * The feed of an exposing dev server: each host's dev server keeps one request open and is sent
 * the exposed plugins (at once, and again when they change), their updates and refused compiles,
 * as server-sent events.
 */
export function createExposeFeed(base: string) {
  const listeners = new Set<Listener>()
  let plugins: readonly ExposedPlugin[] | undefined
  const absolute = (origin: string) => (p: ExposedPlugin): ExposedEntry => ({ id: p.id, file: p.file, url: `${origin}${base}${p.url.slice(1)}` })
  const write = (listener: Listener, message: ExposeMessage) => listener.res.write(`data: ${JSON.stringify(message)}\n\n`)
  const sendEntries = (listener: Listener) => plugins && write(listener, { type: 'entries', entries: plugins.map(absolute(listener.origin)) })
  const timer = setInterval(() => {
    for (const { res } of listeners) res.write(': keep-alive\n\n')
  }, KEEP_ALIVE_MS)
  timer.unref()
  return {
    /** A host's dev server connects; `followed` is called once its feed is open. */
    attach(req: IncomingMessage, res: ServerResponse, followed?: () => void): void {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' })
      const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
      const listener = { res, origin: `${protocol}://${req.headers.host ?? 'localhost'}` }
      listeners.add(listener)
      req.on('close', () => listeners.delete(listener))
      sendEntries(listener)
      followed?.()
    },
    /** The exposed plugins are now these. */
    entries(next: readonly ExposedPlugin[]): void {
      const same = plugins !== undefined && JSON.stringify(plugins) === JSON.stringify(next)
      plugins = next
      if (!same) for (const listener of listeners) sendEntries(listener)
    },
    send(message: Exclude<ExposeMessage, { type: 'entries' }>): void {
      for (const listener of listeners) write(listener, message)
    },
    /** How many hosts' dev servers follow the feed now. */
    hosts: () => listeners.size,
    dispose(): void {
      clearInterval(timer)
      for (const { res } of listeners) res.end()
      listeners.clear()
    },
  }
}
