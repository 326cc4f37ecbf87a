// A module of the plugin that is no component: an edit here swaps the plugin, like an edit of the entry.
export const title = 'Solid counter'
