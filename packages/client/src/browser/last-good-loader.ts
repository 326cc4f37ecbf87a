import { LAST_GOOD_PATH, type LastGoodManifest } from '../protocol/index.js'
import type { LastGoodLoader } from '../host/last-good.js'
import type { PluginModule } from '../host/types.js'

/** Loads a plugin's last good version from the dev server (undefined when it kept none). */
export function lastGoodLoader(base: string): LastGoodLoader {
  return async (id) => {
    const response = await fetch(`${base}${LAST_GOOD_PATH}${encodeURIComponent(id)}`, { cache: 'no-store' })
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`the dev server answered ${response.status} ${response.statusText}`)
    const manifest = (await response.json()) as LastGoodManifest
    const module = (await import(/* @vite-ignore */ manifest.entry)) as PluginModule
    return { module, at: manifest.at }
  }
}
