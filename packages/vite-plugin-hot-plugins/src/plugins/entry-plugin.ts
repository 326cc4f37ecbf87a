import { LOG_PREFIX, PLUGIN_NAME } from '@hot-plugins/client/protocol'
import { init } from 'es-module-lexer'
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { checkEntry } from '../codegen/entry-check.js'
import { VIRTUAL_MODULE_ID, withoutQuery } from './filters.js'

/**
 * Checks what every plugin entry exports and whether it accepts its own updates, and keeps it out
 * of React Fast Refresh (dev only). An entry is served as Vite made it, but for that.
 */
export function entryPlugin(context: HotPluginsContext): Plugin {
  return {
    name: `${PLUGIN_NAME}:entries`,
    apply: 'serve',
    enforce: 'post',
    // The page's plugins only: SSR and other environments run entries as they are.
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    transform: {
      // Only real files can be entries: virtual modules never are.
      filter: { id: { exclude: VIRTUAL_MODULE_ID } },
      async handler(code, id) {
        // Awaited only until the entries are known: not a step of every transform. A discovery
        // that failed (two entries with one id) fails the registry's load, not every module's.
        if (!context.settled()) await context.plugins().catch(() => undefined)
        const plugin = context.entryByFile(withoutQuery(id))
        if (!plugin) return undefined
        await init
        const result = checkEntry(code, id)
        // An empty entry is a save caught halfway (an editor truncates the file, then writes it):
        // the full content comes with the next change, and is checked then.
        if (!result.exports.includes('activate') && code.trim() !== '') {
          context.warnOnce(
            `${plugin.file}:activate`,
            `${LOG_PREFIX} plugin "${plugin.id}" (${plugin.file}) has no \`activate\` export; the host cannot start it. Export \`function activate(ctx) { … }\`.`,
          )
        }
        if (result.selfAccepts) {
          const cause = (await writtenInFile(id)) ? selfAcceptWritten : selfAcceptAdded
          context.warnOnce(`${plugin.file}:self-accept`, `${LOG_PREFIX} plugin "${plugin.id}" (${plugin.file}) ${cause}`)
        }
        return result.rewritten
      },
    },
  }
}

const selfAcceptWritten =
  'accepts its own HMR updates (it calls import.meta.hot.accept()); such updates bypass the plugin host, so the plugin is not swapped ' +
  'and its state is not handed over. Remove the self-accept from the entry.'
const selfAcceptAdded =
  'accepts its own HMR updates through code another Vite plugin added to it (a framework\'s HMR); such updates bypass the plugin host, ' +
  'so the plugin is not swapped and its state is not handed over. Move what that framework refreshes (its components) out of the entry into their own modules.'

/** Whether the entry's source, as written, calls `import.meta.hot.accept` (else a transform added it). */
async function writtenInFile(id: string): Promise<boolean> {
  try {
    return /import\.meta\.hot\??\.accept\s*\(/.test(await readFile(withoutQuery(id), 'utf8'))
  } catch {
    return true
  }
}
