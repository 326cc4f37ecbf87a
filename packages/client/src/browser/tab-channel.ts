import type { TabChannel } from '../engine/state/tab-handshake.js'
import { TAB_CHANNEL_NAME } from '../protocol/index.js'

/**
 * The other tabs of this origin, over a `BroadcastChannel`. It is closed while the page is away
 * (`pagehide`: a reload, or the back/forward cache), so a page on its way out never answers for the
 * tab it leaves, and opened again when the page is shown from the cache. Absent where there is no
 * `BroadcastChannel`.
 */
export function broadcastTabChannel<Message = Parameters<TabChannel['post']>[0]>(
  name: string = TAB_CHANNEL_NAME,
): { post(message: Message): void; listen: TabChannel['listen'] } | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  const listeners: ((message: unknown) => void)[] = []
  let channel: BroadcastChannel | undefined
  const open = () => {
    channel = new BroadcastChannel(name)
    channel.onmessage = (event: MessageEvent) => listeners.forEach((listener) => listener(event.data))
  }
  open()
  addEventListener('pagehide', () => {
    channel?.close()
    channel = undefined
  })
  addEventListener('pageshow', () => {
    if (channel === undefined) open()
  })
  return {
    post: (message) => channel?.postMessage(message),
    listen: (listener) => void listeners.push(listener),
  }
}
