/**
 * Names shared by the Vite plugin (server) and the browser runtime, spelled once: ids and keys
 * (`ids.ts`), the config and every default (`config.ts`), the HMR events and their payloads
 * (`events.ts`), the control API (`control.ts`). The server imports them as
 * `@hot-plugins/client/protocol`.
 */
export * from './ids.js'
export * from './config.js'
export * from './events.js'
export * from './control.js'
export * from './remote.js'
export * from './feed.js'
