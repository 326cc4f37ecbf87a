/** Names shared by the Vite plugin (server) and the browser runtime: ids, keys, tags, shortcuts. */

/** Prefix of every log line, in the terminal and in the browser console. */
export const LOG_PREFIX = '[hot-plugins]'

/** Base name of the Vite plugins that `hotPlugins()` returns. */
export const PLUGIN_NAME = 'hot-plugins'

/** The module the host app imports to get every discovered plugin entry. */
export const VIRTUAL_REGISTRY_ID = 'virtual:hot-plugins'

/**
 * The registry's resolved id: the import id itself. Rollup's convention of a leading NUL byte
 * (`\0virtual:…`) is not followed: Vite takes a `virtual:` id for a virtual module all the same
 * (served at `/@id/virtual:hot-plugins`), and the id is what Vite prints of the registry — the
 * browser's `hot updated: … via virtual:hot-plugins`, the terminal's `hmr update`, a build error —
 * where a NUL byte shows raw (`\u0000`, `^@`) or as `__x00__`. Our own hooks keep off it by name.
 */
export const RESOLVED_VIRTUAL_REGISTRY_ID = VIRTUAL_REGISTRY_ID

/** The client package, imported by the generated registry module in dev. */
export const CLIENT_PACKAGE = '@hot-plugins/client'

/** The dev-only entry of the client package: the hot-swap engine. Never part of a build. */
export const CLIENT_HOT_ENTRY = `${CLIENT_PACKAGE}/hot`

/**
 * The client's own npm dependencies that the browser imports. The client is served unbundled (kept
 * out of Vite's dependency optimizer), and so are these: each is one plain ES module. Left to the
 * optimizer, they would be found only when the page first imports them, and Vite would re-optimize
 * and reload the page; named in `optimizeDeps.include` instead, resolving them would hold up every
 * dev server's start.
 */
export const CLIENT_BROWSER_DEPENDENCIES = ['idb-keyval'] as const

/** Where the registry keeps itself in `import.meta.hot.data`, for the next version of its module. */
export const REGISTRY_HOT_DATA_KEY = 'hot-plugins:registry'

/** Key (for `Symbol.for`) under which a registry entry carries its hot-update source in dev. */
export const HOT_SOURCE_SYMBOL_KEY = 'hot-plugins.hot-source'

/** Key (for `Symbol.for`) under which a host takes a hot-update source after its start (a production feed). */
export const HOST_ATTACH_SYMBOL_KEY = 'hot-plugins.attach'

/** IndexedDB database and object store that hold persisted plugin state. */
export const STATE_DB_NAME = 'hot-plugins'
export const STATE_STORE_NAME = 'plugin-state'

/** sessionStorage keys: this tab's id, and "restore state after this reload" per project. */
export const SESSION_TAB_KEY = 'hot-plugins:tab'
export const SESSION_RESTORE_KEY_PREFIX = 'hot-plugins:restore:'
/** BroadcastChannel over which a tab tells a duplicate of itself that it holds the tab id. */
export const TAB_CHANNEL_NAME = 'hot-plugins:tabs'
/** sessionStorage key: why this product reloaded the page, per project. */
export const SESSION_RELOAD_REASON_KEY_PREFIX = 'hot-plugins:reload-reason:'
/** sessionStorage key: which plugins hot reload is turned off for, per project. */
export const SESSION_HOT_RELOAD_KEY_PREFIX = 'hot-plugins:hot-reload:'

/** The element that offers a page reload after repeated failures (`fallback: 'hot-only'`). */
export const RELOAD_BANNER_TAG = 'hot-plugins-reload-banner'

/** The devtools panel (dev only): a custom element with an open shadow root. */
export const DEVTOOLS_PANEL_TAG = 'hot-plugins-devtools'
/** sessionStorage key of the reload history, per project: it survives the reloads we make. */
export const SESSION_HISTORY_KEY_PREFIX = 'hot-plugins:history:'
/** The keyboard shortcut that toggles the devtools panel (matched on `KeyboardEvent.code`). */
export const DEVTOOLS_SHORTCUT = { altKey: true, shiftKey: true, code: 'KeyH', label: 'Alt+Shift+H' } as const
