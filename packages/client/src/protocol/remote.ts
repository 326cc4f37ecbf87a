/**
 * Plugins from another dev server: what a plugin project that exposes its plugins (`expose`)
 * tells the hosts that list it (`remotes`), and what a host's dev server relays to its pages.
 */
import { CONTROL_PATH } from './control.js'
import type { CompileErrorAnnouncement, UpdateAnnouncement } from './events.js'

/** The feed of an exposing dev server, under its `base`: a stream of {@link ExposeMessage} (server-sent events). */
export const EXPOSE_FEED_PATH = `${CONTROL_PATH}expose`

/** Where a host's dev server posts what its pages made of the remote's batches (a `BatchResult`), for the remote's terminal. */
export const EXPOSE_RESULTS_PATH = `${EXPOSE_FEED_PATH}/results`

/** A plugin entry a remote exposes, as its feed names it. */
export interface ExposedEntry {
  id: string
  /** Relative to the remote's root. */
  file: string
  /** The absolute URL the remote serves the entry at. */
  url: string
}

/** One message of an exposing dev server's feed. */
export type ExposeMessage =
  /** The plugins it exposes now: sent first, and again whenever they change. */
  | { type: 'entries'; entries: ExposedEntry[] }
  /** A batch of its plugins changed and compiles; `timestamp` names the new versions. */
  | { type: 'update'; announcement: UpdateAnnouncement; timestamp: number }
  /** A changed file of its plugins does not compile: their old code runs on. */
  | { type: 'error'; announcement: CompileErrorAnnouncement }

/** Payload of `hot-plugins:remote-update`: a remote's batch, with the new versions to import. */
export interface RemoteUpdate {
  /** The remote's announcement, in the host's terms (files as {@link remoteFile}, a batch number of the host's). */
  announcement: UpdateAnnouncement
  /** What to import (none in a storm: the final content follows). */
  modules: { id: string; url: string; timestamp: number }[]
}

/** How the host names a file of a remote: `//localhost:5174/src/plugins/charts/index.ts`. */
export function remoteFile(remoteUrl: string, file: string): string {
  return `//${remoteName(remoteUrl)}/${file}`
}

/** A remote dev server as a host names it: its host and port (`localhost:5174`). */
export function remoteName(remoteUrl: string): string {
  return remoteUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/', 1)[0]!
}

/**
 * A plugin as messages name it: its id, and for a plugin of a remote dev server (its file is a
 * {@link remoteFile}) the remote too: `charts@localhost:5174`.
 */
export function pluginName(id: string, file: string | undefined): string {
  const remote = file?.startsWith('//') ? file.slice(2).split('/', 1)[0] : undefined
  return remote ? `${id}@${remote}` : id
}
