// @vitest-environment happy-dom
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installLeakPatches } from '../../src/browser/leaks/index.js'
import { sourceMapper } from '../../src/browser/leaks/source-maps.js'
import { createLeakTracker, type LeakTracker, type Owner } from '../../src/leaks/tracker.js'

let tracker: LeakTracker
let uninstall: () => void
beforeEach(() => {
  tracker = createLeakTracker()
  uninstall = installLeakPatches(tracker)
  document.body.replaceChildren()
})
afterEach(() => uninstall())

/** Runs `code` as a new plugin instance; returns it. */
function asPlugin(code: () => void): Owner {
  const owner = tracker.owner('p', 'src/plugins/p/index.ts')
  tracker.run(owner, code)
  return owner
}
const live = (owner: Owner) => [...owner.resources].filter((r) => r.isLive()).map((r) => (r.detail ? `${r.noun} (${r.detail})` : r.noun))
const tick = (ms = 0) => new Promise((resolve) => globalThis.setTimeout(resolve, ms))
/** A full garbage collection (V8's `gc`, exposed for this process). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

describe('leak patches in a DOM', () => {
  it('timers: live until they fire or are cleared; an interval until cleared; their callbacks run as the instance', async () => {
    let inner: Owner | undefined
    let interval: ReturnType<typeof setInterval> | undefined
    const owner = asPlugin(() => {
      setTimeout(() => void (inner = tracker.current()), 1)
      setTimeout(() => {}, 60_000)
      const cleared = setTimeout(() => {}, 60_000)
      clearTimeout(cleared)
      interval = setInterval(() => {}, 1000)
      const frame = requestAnimationFrame(() => {})
      cancelAnimationFrame(frame)
    })
    expect(live(owner)).toEqual(['timeout (after 1 ms)', 'timeout (after 60000 ms)', 'interval (every 1000 ms)'])
    await tick(5)
    expect(inner).toBe(owner)
    expect(live(owner)).toEqual(['timeout (after 60000 ms)', 'interval (every 1000 ms)'])
    // Browsers clear an interval with clearTimeout too.
    clearTimeout(interval)
    expect(live(owner)).toEqual(['timeout (after 60000 ms)'])
    for (const r of owner.resources) r.dispose()
    expect(live(owner)).toEqual([])
  })

  it('timers started with no plugin code running are not recorded, and behave as ever', async () => {
    const fired: string[] = []
    const id = setTimeout(() => fired.push('fired'), 1)
    expect(tracker.current()).toBeUndefined()
    await tick(5)
    expect(fired).toEqual(['fired'])
    clearTimeout(id)
  })

  it('keeps nothing of a listener removed from window or document, which live as long as the page: not the listener, nor what it closes over', async () => {
    const removed: WeakRef<object>[] = []
    asPlugin(() => {
      const onResize = () => {}
      const onKey = { handleEvent() {} }
      addEventListener('resize', onResize)
      document.addEventListener('keydown', onKey, { capture: true })
      removeEventListener('resize', onResize)
      document.removeEventListener('keydown', onKey, { capture: true })
      removed.push(new WeakRef(onResize), new WeakRef(onKey))
    })
    // A WeakRef holds its target until the end of the task that made it.
    await tick()
    collectGarbage()
    expect(removed.map((ref) => ref.deref())).toEqual([undefined, undefined])
  })

  it('listeners on window, document and elements in the page; removed ones, and those on removed elements, are not live', () => {
    const button = document.body.appendChild(document.createElement('button'))
    button.className = 'save'
    const aside = document.createElement('div')
    document.body.append(aside)
    const onResize = () => {}
    const controller = new AbortController()
    let ranAs: Owner | undefined
    const owner = asPlugin(() => {
      window.addEventListener('resize', onResize)
      document.addEventListener('keydown', () => {})
      button.addEventListener('click', () => void (ranAs = tracker.current()))
      aside.addEventListener('click', () => {})
      window.addEventListener('scroll', () => {}, { signal: controller.signal })
      window.addEventListener('focus', () => {}, { once: true })
      window.addEventListener('blur', { handleEvent() {} })
    })
    expect(live(owner)).toEqual([
      '"resize" listener on window',
      '"keydown" listener on document',
      '"click" listener on <button.save>',
      '"click" listener on <div>',
      '"scroll" listener on window',
      '"focus" listener on window',
      '"blur" listener on window',
    ])
    window.removeEventListener('resize', onResize)
    aside.remove()
    controller.abort()
    window.dispatchEvent(new Event('focus'))
    button.click()
    expect(ranAs).toBe(owner)
    expect(live(owner)).toEqual(['"keydown" listener on document', '"click" listener on <button.save>', '"blur" listener on window'])
    // What clean does: the listener is gone.
    let clicks = 0
    const counted = asPlugin(() => button.addEventListener('click', () => void clicks++))
    for (const r of counted.resources) r.dispose()
    button.click()
    expect(clicks).toBe(0)
  })

  it('a listener removed with the original function removes what was added in its place', () => {
    let clicks = 0
    const onClick = () => void clicks++
    asPlugin(() => document.addEventListener('click', onClick))
    document.body.click()
    document.removeEventListener('click', onClick)
    document.body.click()
    expect(clicks).toBe(1)
  })

  it('a listener added in a plugin\'s turn and again outside it runs once, as the browser would have it', () => {
    let clicks = 0
    const onClick = () => void clicks++
    asPlugin(() => document.addEventListener('click', onClick))
    document.addEventListener('click', onClick)
    document.body.click()
    expect(clicks).toBe(1)
    document.removeEventListener('click', onClick)
  })

  it('maps frames of served code to the source by its inline source map, fetched once per script', async () => {
    const map = { version: 3, sources: ['index.ts'], mappings: ';EAEI' }
    const fetched: string[] = []
    const mapFrame = sourceMapper(async (url) => {
      fetched.push(url)
      if (url.includes('broken')) throw new Error('404')
      return `code\n//# sourceMappingURL=data:application/json;base64,${btoa(JSON.stringify(map))}\n`
    })
    const url = 'http://localhost:5173/src/plugins/p/index.ts?t=1'
    expect(await mapFrame({ url, line: 2, column: 3 })).toEqual({ url, line: 3, column: 5 })
    expect(await mapFrame({ url, line: 7, column: 1 })).toEqual({ url, line: 7, column: 1 })
    expect(await mapFrame({ url: 'http://h/broken.ts', line: 2, column: 3 })).toEqual({ url: 'http://h/broken.ts', line: 2, column: 3 })
    expect(await mapFrame({ url: '/abs/file.ts', line: 2, column: 3 })).toEqual({ url: '/abs/file.ts', line: 2, column: 3 })
    expect(fetched).toEqual([url, 'http://h/broken.ts'])
  })

  it('observers: live while they observe a node in the page, until disconnected', () => {
    const target = document.body.appendChild(document.createElement('section'))
    let observer: MutationObserver | undefined
    const owner = asPlugin(() => {
      observer = new MutationObserver(() => {})
      observer.observe(target, { childList: true })
      new MutationObserver(() => {})
    })
    expect(live(owner)).toEqual(['MutationObserver (observing <section>)'])
    expect(observer).toBeInstanceOf(MutationObserver)
    observer!.disconnect()
    expect(live(owner)).toEqual([])
  })

  it('nodes inserted into the page, not those inserted into a tree built aside; fragments count by their children', () => {
    const owner = asPlugin(() => {
      const tooltip = document.createElement('div')
      tooltip.className = 'tooltip'
      tooltip.append(document.createElement('span'))
      document.body.append(tooltip)
      const fragment = document.createDocumentFragment()
      fragment.append(document.createElement('p'), document.createElement('p'))
      document.body.appendChild(fragment)
      document.head.insertAdjacentElement('beforeend', document.createElement('style'))
      const gone = document.createElement('i')
      document.body.prepend(gone)
      gone.remove()
    })
    expect(live(owner)).toEqual(['<div.tooltip> node in <body>', '<p> node in <body>', '<p> node in <body>', '<style> node in <head>'])
    for (const r of owner.resources) r.dispose()
    expect(document.body.children.length).toBe(0)
    expect(document.head.querySelector('style')).toBeNull()
  })

  it('connections: live until closed', () => {
    let channel: BroadcastChannel | undefined
    const owner = asPlugin(() => {
      channel = new BroadcastChannel('sync')
      new BroadcastChannel('left-open')
    })
    expect(live(owner)).toEqual(['BroadcastChannel ("sync")', 'BroadcastChannel ("left-open")'])
    channel!.close()
    expect(live(owner)).toEqual(['BroadcastChannel ("left-open")'])
    for (const r of owner.resources) r.dispose()
  })

  it('WebSocket and EventSource, as the page has them: live until closed, or closed by the other end', () => {
    class FakeSocket {
      readyState = 1
      constructor(readonly url: string) {}
      close() {
        this.readyState = 3
      }
    }
    class FakeSource extends FakeSocket {}
    const global = { WebSocket: FakeSocket, EventSource: FakeSource } as unknown as typeof globalThis
    const restore = installLeakPatches(tracker, global)
    const owner = asPlugin(() => {
      const socket = new global.WebSocket('ws://localhost/live')
      ;(socket as unknown as FakeSocket).readyState = 3
      new global.WebSocket('ws://localhost/open')
      new global.EventSource('/events')
    })
    expect(live(owner)).toEqual(['WebSocket (ws://localhost/open)', 'EventSource (/events)'])
    for (const r of owner.resources) r.dispose()
    expect(live(owner)).toEqual([])
    restore()
    expect(global.WebSocket).toBe(FakeSocket)
  })

  it('animation frames, ResizeObserver and IntersectionObserver, as the page has them', () => {
    const frames = new Map<number, () => void>()
    class FakeObserver {
      constructor(readonly callback: () => void) {}
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    const global = {
      requestAnimationFrame: (callback: () => void) => (frames.set(frames.size + 1, callback), frames.size),
      cancelAnimationFrame: (id: number) => void frames.delete(id),
      ResizeObserver: class extends FakeObserver {},
      IntersectionObserver: class extends FakeObserver {},
    } as unknown as typeof globalThis
    const restore = installLeakPatches(tracker, global)
    const target = document.body.appendChild(document.createElement('canvas'))
    let resize: ResizeObserver | undefined
    const owner = asPlugin(() => {
      global.requestAnimationFrame(() => {})
      const cancelled = global.requestAnimationFrame(() => {})
      global.cancelAnimationFrame(cancelled)
      resize = new global.ResizeObserver(() => {})
      resize.observe(target)
      const seen = new global.IntersectionObserver(() => {})
      seen.observe(target)
      seen.unobserve(target)
    })
    expect(live(owner)).toEqual(['animation frame request', 'ResizeObserver (observing <canvas>)'])
    frames.get(1)!()
    target.remove()
    expect(live(owner)).toEqual([])
    expect(resize).toBeInstanceOf(global.ResizeObserver)
    restore()
  })

  it('uninstalled, the page has its own functions back', () => {
    uninstall()
    expect(window.setTimeout.name).not.toBe('')
    const owner = asPlugin(() => void setTimeout(() => {}, 10))
    expect(live(owner)).toEqual([])
    uninstall = installLeakPatches(tracker)
  })
})
