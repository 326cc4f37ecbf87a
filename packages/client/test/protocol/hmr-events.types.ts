// Type-level tests of the custom event types (`@hot-plugins/client/virtual` → hmr-events.d.ts),
// checked by `pnpm typecheck`; nothing here runs.
/// <reference types="vite/client" />
/// <reference path="../../virtual.d.ts" />
import plugins from 'virtual:hot-plugins'
import { HotEvents } from '../../src/protocol/index.js'

export const ids: readonly string[] = plugins.map((entry) => entry.id)

if (import.meta.hot) {
  import.meta.hot.on('hot-plugins:update', (announcement) => {
    const owners: string[] = announcement.plugins
    const files: string[] = announcement.files
    const batch: number | undefined = announcement.batch
    void [owners, files, batch]
    // @ts-expect-error Property 'file' does not exist on type 'UpdateAnnouncement'
    void announcement.file
  })
  import.meta.hot.on(HotEvents.result, (result) => {
    const outcome: 'swapped' | 'kept-old' | 'rolled-back' | undefined = result.plugins[0]?.outcome
    void outcome
  })
  import.meta.hot.send('hot-plugins:result', { durationMs: 3, plugins: [{ id: 'a', file: 'a.ts', outcome: 'swapped', durationMs: 3, stateKept: true }] })
  import.meta.hot.send('hot-plugins:result', {
    durationMs: 3,
    // @ts-expect-error Type '"reloaded"' is not assignable to type 'ReloadOutcome'
    plugins: [{ id: 'a', file: 'a.ts', outcome: 'reloaded', durationMs: 3, stateKept: true }],
  })
  import.meta.hot.on('hot-plugins:error', (refused) => void [refused.file satisfies string, refused.plugins satisfies string[], refused.frame satisfies string | undefined])
  import.meta.hot.on(HotEvents.prefetch, (prefetch) => {
    void (prefetch.urls satisfies string[])
    // @ts-expect-error Property 'files' does not exist on type 'PrefetchAnnouncement'
    void prefetch.files
  })
  // Events of other names stay untyped, as Vite has them.
  import.meta.hot.on('my-app:event', (payload) => void payload.anything)
}

if (import.meta.hot) {
  import.meta.hot.on(HotEvents.command, (command) => {
    if (command.action === 'reload') void (command.id satisfies string)
    else void (command.enabled satisfies boolean)
  })
  import.meta.hot.send(HotEvents.status, { tab: 't', full: true, sentAt: 0, plugins: [] })
  // @ts-expect-error Property 'sentAt' is missing
  import.meta.hot.send(HotEvents.status, { tab: 't', full: true, plugins: [] })
}
