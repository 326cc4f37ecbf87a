// Functions Playwright runs inside the page (serialized: each must be self-contained).

/** What the fixture apps and these functions keep on `window`. */
export interface PageState {
  __bench: {
    ready?: number
    active?: number
    updates: Record<string, number>
    failures: string[]
    instances: WeakRef<object>[]
    /** When a plugin module's body last began to run (epoch ms). */
    evaluatedAt?: number
    /** The host's last `reload-completed` (ours): when it was heard, and its timings. */
    lastReload?: { at: number; durationMs: number; phases?: { importMs: number; teardownMs: number; activateMs: number; stateMs: number } }
  }
  __rendered?: Promise<number>
  /** Node's side (page.exposeFunction): told the render time, or why there was none, once it is known. */
  __benchRendered?: (at: number | null, error?: string) => void
  __trace?: { announcedReceived?: number; viteUpdateReceived?: number }
  __leaks?: () => { intervals: number; timeouts: number; globalListeners: number }
}

/** The page's clock: epoch milliseconds, as precise as the page may read them. */
export function pageNow(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Arms a MutationObserver before an edit: `window.__rendered` resolves with the time (epoch ms) at
 * which the last of these `<p data-bench=id>` elements shows its expected text, i.e. the new code
 * runs with its state, and the page tells Node (`__benchRendered`) only then: while the sample
 * runs, nothing goes from Node to the page. Works from the mutation records, so its cost does not
 * grow with the page.
 */
export function armRenderWatch({ expected, timeoutMs }: { expected: Record<string, string>; timeoutMs: number }): void {
  const w = window as unknown as PageState
  const pending = new Map(Object.entries(expected))
  w.__rendered = new Promise<number>((resolve, reject) => {
    const settle = (node: Node | null) => {
      const element = node instanceof Element ? node : node?.parentElement
      const target = element?.closest<HTMLElement>('[data-bench]')
      const id = target?.dataset.bench
      if (id !== undefined && pending.get(id) === target!.textContent) pending.delete(id)
    }
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        settle(record.target)
        record.addedNodes.forEach(settle)
      }
      if (pending.size > 0) return
      const at = performance.timeOrigin + performance.now()
      observer.disconnect()
      clearTimeout(timer)
      resolve(at)
    })
    observer.observe(document.body, { subtree: true, childList: true, characterData: true })
    const timer = setTimeout(() => {
      observer.disconnect()
      const shown = [...pending.keys()].slice(0, 3).map((id) => `${id}: ${JSON.stringify(document.querySelector(`[data-bench="${id}"]`)?.textContent)}`)
      reject(new Error(`${pending.size} plugin(s) never showed their new text within ${timeoutMs} ms (${shown.join('; ')})`))
    }, timeoutMs)
  })
  w.__rendered.then(
    (at) => w.__benchRendered?.(at),
    (error: Error) => w.__benchRendered?.(null, error.message),
  )
}

/** Clicks every plugin's element `times` times (each click adds one to its state). */
export function clickAll(times: number): void {
  document.querySelectorAll<HTMLElement>('[data-bench]').forEach((el) => {
    for (let i = 0; i < times; i++) el.click()
  })
}

/**
 * Installed before the page's scripts (soak): counts live interval and timeout timers, and
 * listeners on window and document, through wrappers around the real functions.
 */
export function installLeakCounters(): void {
  const intervals = new Set<unknown>()
  const timeouts = new Set<unknown>()
  const w = window as unknown as PageState & Record<string, any>
  const realSetInterval = w.setInterval.bind(w)
  const realClearInterval = w.clearInterval.bind(w)
  const realSetTimeout = w.setTimeout.bind(w)
  const realClearTimeout = w.clearTimeout.bind(w)
  w.setInterval = (handler: any, ms?: number, ...args: unknown[]) => {
    const id = realSetInterval(handler, ms, ...args)
    intervals.add(id)
    return id
  }
  w.clearInterval = (id: any) => {
    intervals.delete(id)
    realClearInterval(id)
  }
  w.setTimeout = (handler: any, ms?: number, ...args: unknown[]) => {
    const id = realSetTimeout((...a: unknown[]) => {
      timeouts.delete(id)
      if (typeof handler === 'function') handler(...a)
    }, ms, ...args)
    timeouts.add(id)
    return id
  }
  w.clearTimeout = (id: any) => {
    timeouts.delete(id)
    realClearTimeout(id)
  }
  const listeners: { target: EventTarget; type: string; listener: unknown; capture: boolean }[] = []
  const proto = EventTarget.prototype
  const realAdd = proto.addEventListener
  const realRemove = proto.removeEventListener
  const isGlobal = (target: unknown) => target === window || target === document
  const captureOf = (options: unknown) => (typeof options === 'boolean' ? options : !!(options as { capture?: boolean } | undefined)?.capture)
  const find = (target: EventTarget, type: string, listener: unknown, capture: boolean) =>
    listeners.findIndex((l) => l.target === target && l.type === type && l.listener === listener && l.capture === capture)
  proto.addEventListener = function (this: EventTarget, type: string, listener: any, options?: any) {
    const capture = captureOf(options)
    if (isGlobal(this) && listener && find(this, type, listener, capture) < 0) listeners.push({ target: this, type, listener, capture })
    return realAdd.call(this, type, listener, options)
  }
  proto.removeEventListener = function (this: EventTarget, type: string, listener: any, options?: any) {
    const index = isGlobal(this) ? find(this, type, listener, captureOf(options)) : -1
    if (index >= 0) listeners.splice(index, 1)
    return realRemove.call(this, type, listener, options)
  }
  w.__leaks = () => ({ intervals: intervals.size, timeouts: timeouts.size, globalListeners: listeners.length })
}

/**
 * Installed before the page's scripts when a session is traced: stamps the first `hot-plugins:update`
 * and the first Vite `update` each socket receives after resetPageTrace(), ahead of Vite's client.
 */
export function installPageTrace(): void {
  const w = window as unknown as PageState & { WebSocket: typeof WebSocket }
  w.__trace = {}
  const Real = w.WebSocket
  w.WebSocket = class extends Real {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      this.addEventListener('message', (event: MessageEvent) => {
        const at = performance.timeOrigin + performance.now()
        const trace = w.__trace
        if (!trace || typeof event.data !== 'string') return
        const type = /^\{"type":"(\w+)"(?:,"event":"([^"]+)")?/.exec(event.data)
        if (type?.[1] === 'update') trace.viteUpdateReceived ??= at
        if (type?.[2] === 'hot-plugins:update') trace.announcedReceived ??= at
      })
    }
  }
}

/** Before a traced save: forget the last one's stamps and resource timings. */
export function resetPageTrace(): void {
  const w = window as unknown as PageState
  w.__trace = {}
  w.__bench.evaluatedAt = undefined
  w.__bench.lastReload = undefined
  performance.clearResourceTimings()
}

/** After a traced save of `file` (root-relative): what the page stamped (epoch ms). */
export function readPageTrace(file: string): Record<string, number | undefined> {
  const w = window as unknown as PageState
  const origin = performance.timeOrigin
  const fetch = performance.getEntriesByType('resource').filter((entry) => entry.name.includes(`/${file}?`)).pop() as PerformanceResourceTiming | undefined
  const stamps: Record<string, number | undefined> = {
    ...w.__trace,
    fetched: fetch ? origin + fetch.responseEnd : undefined,
    evaluated: w.__bench.evaluatedAt,
  }
  const reload = w.__bench.lastReload
  if (reload?.phases) {
    const { importMs, teardownMs, activateMs, stateMs } = reload.phases
    const imported = reload.at - reload.durationMs + importMs
    Object.assign(stamps, { imported, tornDown: imported + teardownMs, activated: imported + teardownMs + activateMs, stateRestored: imported + teardownMs + activateMs + stateMs })
  }
  return stamps
}
