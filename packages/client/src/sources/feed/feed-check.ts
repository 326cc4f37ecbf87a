import { FeedError } from './feed-manifest.js'

/** The part of a `fetch` response the check reads. */
export interface FeedResponse {
  status: number
  ok: boolean
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

/** The part of `fetch` the check uses: one GET, with these headers. */
export type FetchFeed = (url: string, headers: Record<string, string>) => Promise<FeedResponse>

/** What one check of the feed found. */
export type CheckOutcome =
  | { kind: 'unchanged' }
  | { kind: 'changed'; text: string; etag: string | undefined }
  | { kind: 'failed'; error: Error; transient: boolean }

/**
 * One conditional request for the feed: `If-None-Match` with the ETag of the last answer, so an
 * unchanged feed costs a `304` and no body. A feed larger than `maxBytes` is refused before its
 * body is read when the server says its length; a failed request or a 5xx may pass, so it is
 * `transient` (retried with backoff); a 4xx is not.
 */
export async function checkFeed(fetchFeed: FetchFeed, url: string, etag: string | undefined, maxBytes: number): Promise<CheckOutcome> {
  let response: FeedResponse
  try {
    response = await fetchFeed(url, etag === undefined ? {} : { 'If-None-Match': etag })
  } catch (error) {
    return { kind: 'failed', error: new FeedError(`the feed ${url} could not be fetched (${error instanceof Error ? error.message : String(error)})`), transient: true }
  }
  if (response.status === 304) return { kind: 'unchanged' }
  if (!response.ok) {
    return { kind: 'failed', error: new FeedError(`the feed ${url} answered HTTP ${response.status}`), transient: response.status >= 500 || response.status === 429 }
  }
  const length = Number(response.headers.get('content-length') ?? NaN)
  if (length > maxBytes) return { kind: 'failed', error: new FeedError(`the feed ${url} is ${length} bytes, more than maxBytes (${maxBytes})`), transient: false }
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    return { kind: 'failed', error: new FeedError(`the feed ${url} could not be read (${error instanceof Error ? error.message : String(error)})`), transient: true }
  }
  return { kind: 'changed', text, etag: response.headers.get('etag') ?? undefined }
}
