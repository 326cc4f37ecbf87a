/**
 * The dev-only entry of the client: imported by the `virtual:hot-plugins` module the dev server
 * generates, never by a production build.
 */
export { createHotRegistry } from './core/hot-source.js'
export type { HotContextLike, HotRegistry, RegistryEntryInit } from './core/hot-source.js'
