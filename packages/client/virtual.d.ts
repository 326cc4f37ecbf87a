/**
 * Types of `virtual:hot-plugins`, and of the custom HMR events `hot-plugins:update` and
 * `hot-plugins:result` on `import.meta.hot`. Reference them once in your app, e.g. in
 * `src/vite-env.d.ts`:
 *
 *   /// <reference types="@hot-plugins/client/virtual" />
 */
/// <reference path="./hmr-events.d.ts" />
declare module 'virtual:hot-plugins' {
  import type { PluginEntry } from '@hot-plugins/client'
  /** Every plugin entry the `plugins` globs of `hotPlugins()` matched, lazily importable. */
  const plugins: readonly PluginEntry[]
  export default plugins
}
