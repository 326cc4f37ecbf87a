/**
 * The feed a production build writes (`hot-plugins.json`) and `@hot-plugins/client/feed` reads:
 * which version of each plugin is deployed, and the hashes its code must have before it may run.
 */

/** The format of the feed file; a reader refuses a feed of another format. */
export const FEED_FORMAT = 1

/** A chunk as the feed names it: its URL (relative to the feed file) and its Subresource Integrity hash. */
export interface FeedChunk {
  /** Relative to the URL of the feed file, e.g. `assets/counter-3f9a1c.js`. */
  url: string
  /** `sha384-…` of the chunk's bytes, as `<link integrity>` takes it. */
  integrity: string
}

/** One plugin as deployed. */
export interface FeedPlugin extends FeedChunk {
  id: string
  /** The entry file, relative to the Vite root (what messages name). */
  file: string
  /** Every chunk the entry chunk imports, directly or not, statically or lazily: dependencies before dependents. */
  imports: FeedChunk[]
  /** The CSS files Vite split out of the entry chunk and the chunks it imports statically (absent: none). */
  css?: FeedChunk[]
  /** `meta.version`, `meta.dependsOn`, `meta.stateVersion` where the entry writes them as literals. */
  version?: string
  dependsOn?: string[]
  stateVersion?: number
}

/** The content of `hot-plugins.json`. */
export interface FeedManifest {
  format: typeof FEED_FORMAT
  plugins: FeedPlugin[]
}

/** The BroadcastChannel (and Web Lock) name prefix of the tabs that follow one feed: one tab checks, all apply. */
export const FEED_CHANNEL_PREFIX = 'hot-plugins:feed:'
