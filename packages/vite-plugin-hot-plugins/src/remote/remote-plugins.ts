import { pluginName, remoteFile, type ExposedEntry } from '@hot-plugins/client/protocol'

/** A plugin of a remote dev server, as this app's registry lists it. */
export interface RemotePlugin {
  id: string
  /** The remote's file, named with the remote (`//localhost:5174/src/plugins/charts/index.ts`). */
  file: string
  /** The absolute URL the page imports it from. */
  url: string
  /** The remote's URL, as in `remotes`. */
  remote: string
}

/**
 * The remotes' plugins that join this app's, in the order of `remotes`. An id that is this app's
 * own, or an earlier remote's, is left out (the app's own plugin wins), and so is an entry a remote
 * lists at a URL outside itself: the page imports only from the dev servers in `remotes`. Each
 * such entry is reported with both places.
 */
export function joinRemotePlugins(
  own: readonly { id: string; file: string }[],
  remotes: ReadonlyMap<string, readonly ExposedEntry[]>,
  report: (key: string, message: string) => void,
): RemotePlugin[] {
  const taken = new Map(own.map((p) => [p.id, `${p.file} (this app)`]))
  const joined: RemotePlugin[] = []
  for (const [remote, entries] of remotes) {
    for (const entry of entries) {
      const plugin = { id: entry.id, file: remoteFile(remote, entry.file), url: entry.url, remote }
      const name = pluginName(plugin.id, plugin.file)
      if (!entry.url.startsWith(`${remote}/`)) {
        report(`outside ${remote} ${entry.id} ${entry.url}`, `${name} is refused: ${remote} lists it at ${entry.url}, outside itself; plugins are loaded only from the dev servers in "remotes"`)
        continue
      }
      const before = taken.get(entry.id)
      if (before !== undefined) {
        report(
          `clash ${entry.id} ${before} ${plugin.file}`,
          `two plugins have the id "${entry.id}": ${before} and ${entry.file} of ${remote}; ${before} runs, ${name} is left out. Give one a distinct id with \`export const meta = { id: '…' }\``,
        )
        continue
      }
      taken.set(entry.id, `${entry.file} of ${remote}`)
      joined.push(plugin)
    }
  }
  return joined
}
