import { request as httpRequest, type RequestListener, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HotEvents, type ControlCommand, type TabPluginStatus, type TabStatusReport } from '@hot-plugins/client/protocol'
import type { NormalizedHotChannelClient } from 'vite'
import type { TabChannel } from '../../src/control/connected-tabs.js'

/** Stands in for the client environment's hot channel: tabs connect, report and go away. */
export function fakeChannel() {
  const listeners = new Map<string, ((data: unknown, client: NormalizedHotChannelClient) => void)[]>()
  const channel: TabChannel = {
    on(event: string, listener: (data: never, client: NormalizedHotChannelClient) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as (data: unknown, client: NormalizedHotChannelClient) => void])
    },
  } as TabChannel
  const emit = (event: string, data: unknown, client: NormalizedHotChannelClient) => {
    for (const listener of listeners.get(event) ?? []) listener(data, client)
  }
  /** A tab's connection: what it reports, the commands it got. */
  const connect = (tab: string) => {
    const received: ControlCommand[] = []
    const client = {
      send: (...args: unknown[]) => {
        if (args[0] === HotEvents.command) received.push(args[1] as ControlCommand)
      },
    } as NormalizedHotChannelClient
    return {
      received,
      report: (plugins: TabPluginStatus[], extra: Partial<TabStatusReport> = {}) =>
        emit(HotEvents.status, { tab, full: true, sentAt: Date.now(), plugins, ...extra } satisfies TabStatusReport, client),
      disconnect: () => emit('vite:client:disconnect', undefined, client),
    }
  }
  return { channel, connect, emit }
}

/** One plugin as a tab reports it. */
export function pluginStatus(id: string, extra: Partial<TabPluginStatus> = {}): TabPluginStatus {
  return { id, file: `src/plugins/${id}/index.ts`, status: 'idle', reloadCount: 0, hotReload: true, ...extra }
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
}

/** Serves `handler` on a free port; `request` sends raw HTTP, with exactly the headers given. */
export async function listen(handler: RequestListener) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const request = (method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...options.headers } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
        })
      })
      req.on('error', reject)
      req.end(options.body)
    })
  /** A JSON POST, as the app's own page or curl sends it. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request('POST', path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { port, request, post, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
