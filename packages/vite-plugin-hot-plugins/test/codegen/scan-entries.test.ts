import { describe, expect, it } from 'vitest'
import { optimizeDepsEntries } from '../../src/codegen/scan-entries.js'

const globs = ['src/plugins/*/index.ts']

describe('optimizeDepsEntries', () => {
  it("adds the plugin entries to Vite's default scan of the HTML files", () => {
    expect(optimizeDepsEntries({}, globs)).toEqual(['**/*.html', '!**/__tests__/**', '!**/coverage/**', 'src/plugins/*/index.ts'])
  })

  it("leaves the user's entries to Vite's merge and adds only the plugin entries", () => {
    expect(optimizeDepsEntries({ optimizeDeps: { entries: ['src/main.ts'] } }, globs)).toEqual(globs)
  })

  it('keeps a configured input, which Vite would otherwise scan instead of the HTML files', () => {
    expect(optimizeDepsEntries({ build: { rollupOptions: { input: { main: 'app.html', admin: 'admin.html' } } } }, globs)).toEqual([
      'app.html',
      'admin.html',
      ...globs,
    ])
    expect(optimizeDepsEntries({ build: { rolldownOptions: { input: 'app.html' } } }, globs)).toEqual(['app.html', ...globs])
  })
})
