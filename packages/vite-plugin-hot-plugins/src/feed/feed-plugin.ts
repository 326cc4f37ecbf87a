import { LOG_PREFIX, PLUGIN_NAME } from '@hot-plugins/client/protocol'
import { readFileSync } from 'node:fs'
import { init } from 'es-module-lexer'
import type { Plugin } from 'vite'
import type { HotPluginsContext } from '../context.js'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { rootRelative } from '../discovery/path-globs.js'
import { readStaticMeta } from '../discovery/plugin-ids.js'
import { buildFeedManifest, type BuiltAsset, type BuiltChunk, type FeedEntry } from './manifest.js'

/** Writes the build's feed (`hot-plugins.json`) next to its assets: what `followFeed` swaps in production. */
export function feedPlugin(context: HotPluginsContext): Plugin {
  return {
    name: `${PLUGIN_NAME}:feed`,
    apply: 'build',
    // The page's build only (an SSR build has no page to update).
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    generateBundle: {
      // After every other plugin changed the chunks: the hashes are of the bytes written.
      order: 'post',
      async handler(_options, bundle) {
        const feed = context.options.feed
        if (feed === false) return
        const plugins = await context.plugins()
        await init
        const entries: FeedEntry[] = plugins.map((p) => builtEntry(context, p))
        const chunks = Object.values(bundle).filter((item): item is typeof item & BuiltChunk => item.type === 'chunk')
        const assets = Object.values(bundle).filter((item): item is typeof item & BuiltAsset => item.type === 'asset' && item.fileName.endsWith('.css'))
        const manifest = buildFeedManifest(entries, chunks, feed.file, (message) => context.logger?.warn(`${LOG_PREFIX} ${message}`), assets)
        const missing = entries.filter((p) => !manifest.plugins.some((listed) => listed.id === p.id))
        if (missing.length > 0) {
          context.logger?.warn(`${LOG_PREFIX} the feed lists no chunk for ${missing.map((p) => `"${p.id}" (${p.file})`).join(', ')}: the build made none of its own`)
        }
        this.emitFile({ type: 'asset', fileName: feed.file, source: `${JSON.stringify(manifest, null, 2)}\n` })
      },
    },
  }
}

/** A plugin as the build has it: a package's entry is the file the build resolved it to (its built file, maybe). */
function builtEntry(context: HotPluginsContext, plugin: DiscoveredPlugin): FeedEntry {
  const built = context.builtEntries.get(plugin.id)
  const absFile = built ?? plugin.absFile
  return { id: plugin.id, file: built === undefined ? plugin.file : rootRelative(context.root, built), absFile, meta: metaOf(absFile) }
}

function metaOf(absFile: string) {
  try {
    return readStaticMeta(readFileSync(absFile, 'utf8'))
  } catch {
    return {}
  }
}
