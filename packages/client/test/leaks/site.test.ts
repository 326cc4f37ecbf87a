import { describe, expect, it } from 'vitest'
import { describeSite, framesOf, runtimeFiles, startSite } from '../../src/leaks/site.js'

const RUNTIME = 'http://localhost:5173/@fs/app/node_modules/@hot-plugins/client/dist/leaks/tracker.js'
const CHROMIUM_STACK = [
  'Error: started here',
  `    at Object.track (${RUNTIME}:40:30)`,
  '    at window.setInterval (http://localhost:5173/@fs/app/node_modules/@hot-plugins/client/dist/browser/leaks/timers.js:31:36)',
  '    at start (http://localhost:5173/src/plugins/clock/ticker.ts?t=1700000000000:3:10)',
  '    at activate (http://localhost:5173/src/plugins/clock/index.ts?t=1700000000000:12:5)',
  '    at http://localhost:5173/@fs/app/node_modules/@hot-plugins/client/dist/host/lifecycle.js:33:50',
].join('\n')

describe('start sites', () => {
  const isRuntime = runtimeFiles(RUNTIME)

  it('reads V8 and Firefox frames, with or without a function name', () => {
    expect(framesOf('Error\n    at f (http://x/a.ts?t=1:1:2)\n    at /abs/b.ts:3:4\ng@http://x/c.js:5:6\nnot a frame')).toEqual([
      { url: 'http://x/a.ts?t=1', line: 1, column: 2 },
      { url: '/abs/b.ts', line: 3, column: 4 },
      { url: 'http://x/c.js', line: 5, column: 6 },
    ])
    expect(framesOf(undefined)).toEqual([])
  })

  it("tells the runtime's own files (beside the tracker, or the tracker's one bundled file) from others", () => {
    expect(isRuntime('http://localhost:5173/@fs/app/node_modules/@hot-plugins/client/dist/host/lifecycle.js?v=1')).toBe(true)
    expect(isRuntime('http://localhost:5173/src/plugins/clock/index.ts')).toBe(false)
    const bundled = runtimeFiles('http://localhost:5173/node_modules/.vite/deps/chunk-AB12.js?v=9')
    expect(bundled('http://localhost:5173/node_modules/.vite/deps/chunk-AB12.js?v=3')).toBe(true)
    expect(bundled('http://localhost:5173/node_modules/.vite/deps/react-dom.js')).toBe(false)
    expect(runtimeFiles('file:///repo/packages/client/src/leaks/tracker.ts')('/repo/packages/client/src/browser/leaks/timers.ts')).toBe(true)
  })

  it("names the first frame in the plugin's folder, relative to it, past the runtime's own frames", () => {
    const site = startSite(CHROMIUM_STACK, 'src/plugins/clock/index.ts', isRuntime)!
    expect(site).toEqual({ frame: { url: 'http://localhost:5173/src/plugins/clock/ticker.ts?t=1700000000000', line: 3, column: 10 }, byLibrary: false })
    expect(describeSite(site.frame, 'src/plugins/clock/index.ts')).toBe('ticker.ts:3:10')
  })

  it('falls back to the first frame outside the runtime, named from the root; a library frame first says so', () => {
    const stack = `Error\n    at t (${RUNTIME}:1:1)\n    at listen (http://localhost:5173/node_modules/.vite/deps/react-dom_client.js?v=1:900:7)\n    at activate (http://localhost:5173/src/plugins/r/index.tsx:9:3)`
    const mine = startSite(stack, 'src/plugins/r/index.tsx', isRuntime)!
    expect(mine.byLibrary).toBe(true)
    expect(describeSite(mine.frame, 'src/plugins/r/index.tsx')).toBe('index.tsx:9:3')
    const elsewhere = startSite(stack, 'src/plugins/other/index.ts', isRuntime)!
    expect(describeSite(elsewhere.frame, 'src/plugins/other/index.ts')).toBe('node_modules/.vite/deps/react-dom_client.js:900:7')
    expect(describeSite({ url: '/abs/dir/plugin.ts', line: 2, column: 1 }, 'plugin.ts')).toBe('plugin.ts:2:1')
    expect(startSite(`Error\n    at t (${RUNTIME}:1:1)`, 'src/plugins/x/index.ts', isRuntime)).toBeUndefined()
  })
})
