/**
 * Types the custom HMR events of hot-plugins, so that `import.meta.hot.on('hot-plugins:update', …)`
 * in the browser, and `server.environments.client.hot.on('hot-plugins:result', …)` in a Vite
 * plugin, know their payloads. `@hot-plugins/client/virtual` references this file: the one line
 * `/// <reference types="@hot-plugins/client/virtual" />` brings both.
 */
import {
  HotEvents,
  type BatchResult,
  type CompileErrorAnnouncement,
  type ControlCommand,
  type PrefetchAnnouncement,
  type TabStatusReport,
  type UpdateAnnouncement,
} from '@hot-plugins/client/protocol'
import 'vite/types/customEvent.d.ts'

declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    /** server → browser: a batch of changed files and the plugins that own them; their new modules follow. */
    [HotEvents.update]: UpdateAnnouncement
    /** server → browser: a changed plugin file does not compile; its plugins keep running their previous version. */
    [HotEvents.error]: CompileErrorAnnouncement
    /** server → browser: modules of a coming update, to fetch (not run) while the dev server checks them. */
    [HotEvents.prefetch]: PrefetchAnnouncement
    /** browser → server: the outcome of a batch of hot reloads. */
    [HotEvents.result]: BatchResult
    /** browser → server: the status of the tab's plugins, for the dev server's control API. */
    [HotEvents.status]: TabStatusReport
    /** server → browser: a command of the control API, to one tab. */
    [HotEvents.command]: ControlCommand
    /** browser → server: the tab applied a new set of plugin entries; the server prunes the modules only removed plugins used. */
    [HotEvents.entriesApplied]: Record<string, never>
  }
}
