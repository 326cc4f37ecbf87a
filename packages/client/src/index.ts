export { createPluginHost } from './host/host.js'
export type { PluginHost, PluginHostOptions, StartReport } from './host/host.js'
export { PLUGIN_HOST_EVENTS } from './host/events.js'
export type { PluginHostEvents, PluginHostEventName } from './host/events.js'
export { PluginError } from './host/errors.js'
export { definePlugin } from './host/define-plugin.js'
export type { PluginDefinition } from './host/define-plugin.js'
export type { PluginPhase } from './host/errors.js'
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
} from './host/types.js'
export type { Leak, LeakKind } from './protocol/index.js'
