// A host module that belongs to no plugin: editing it behaves exactly as Vite does without
// hot-plugins (main.ts imports it and accepts no update, so the page reloads).
export const appTitle = 'Plugin dashboard'
