/**
 * Types of `virtual:hot-plugins`. Reference them once in your app, e.g. in `src/vite-env.d.ts`:
 *
 *   /// <reference types="@hot-plugins/client/virtual" />
 */
declare module 'virtual:hot-plugins' {
  import type { PluginEntry } from '@hot-plugins/client'
  /** Every plugin entry the `plugins` globs of `hotPlugins()` matched, lazily importable. */
  const plugins: readonly PluginEntry[]
  export default plugins
}
