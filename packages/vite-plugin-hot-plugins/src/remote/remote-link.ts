import { EXPOSE_FEED_PATH, type ExposeMessage } from '@hot-plugins/client/protocol'

/** What a link to a remote dev server reports. */
export interface RemoteLinkEvents {
  /** The feed is open (the remote runs and serves this app). */
  up(): void
  /** One message of the feed. */
  message(message: ExposeMessage): void
  /** The remote cannot be reached (`cause`), refused this app (`refused`), or its feed ended. */
  down(reason: { cause: string; refused?: boolean }): void
}

/** How long a link waits before it tries a remote that is down again. */
export const REMOTE_RETRY_MS = 500

/**
 * Follows the feed of one remote dev server, from this app's dev server (the page needs no socket
 * of its own to the remote): connects, reads its messages, and whenever the remote is not
 * reachable, refuses or stops, tries again after `retryMs`, for as long as this dev server runs.
 */
export function linkRemote(remote: string, origin: () => string, on: RemoteLinkEvents, retryMs = REMOTE_RETRY_MS) {
  let closed = false
  let abort: AbortController | undefined
  let wake: (() => void) | undefined
  const pause = () => new Promise<void>((resolve) => {
    wake = resolve
    setTimeout(resolve, retryMs).unref()
  })
  const follow = async () => {
    abort = new AbortController()
    const response = await fetch(`${remote}/${EXPOSE_FEED_PATH}`, { headers: { Origin: origin(), Accept: 'text/event-stream' }, signal: abort.signal })
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '')
      return on.down({ cause: `${response.status} ${text || response.statusText}`.trim(), refused: true })
    }
    on.up()
    await readEvents(response.body, (data) => on.message(JSON.parse(data) as ExposeMessage))
    if (!closed) on.down({ cause: 'its feed ended' })
  }
  void (async () => {
    while (!closed) {
      try {
        await follow()
      } catch (error) {
        if (!closed) on.down({ cause: causeOf(error) })
      }
      if (!closed) await pause()
    }
  })()
  return {
    close(): void {
      closed = true
      abort?.abort()
      wake?.()
    },
  }
}

/** Calls `data` with the data of each server-sent event of `body`, until it ends. */
async function readEvents(body: ReadableStream<Uint8Array>, data: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      const lines = event.split('\n').filter((line) => line.startsWith('data:'))
      if (lines.length > 0) data(lines.map((line) => line.slice(5).trimStart()).join('\n'))
    }
  }
}

/** `connect ECONNREFUSED 127.0.0.1:5174`, not undici's bare `fetch failed`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { message?: string; errors?: { message?: string }[] } }).cause
  return cause?.errors?.[0]?.message ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
}
