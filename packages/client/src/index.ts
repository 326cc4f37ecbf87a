export { createPluginHost } from './core/host.js'
export type { PluginHost, PluginHostOptions, StartReport } from './core/host.js'
export { PLUGIN_HOST_EVENTS } from './core/events.js'
export type { PluginHostEvents, PluginHostEventName } from './core/events.js'
export { PluginError } from './core/errors.js'
export { definePlugin } from './core/define-plugin.js'
export type { PluginDefinition } from './core/define-plugin.js'
export type { PluginPhase } from './core/errors.js'
export type {
  ContextOption,
  LastGoodInfo,
  Logger,
  PluginEntry,
  PluginInfo,
  PluginMeta,
  PluginModule,
  PluginStatus,
  ReloadInfo,
  Teardown,
} from './core/types.js'
