import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { chromium } from '@playwright/test'

/**
 * A tab in one of the three browser engines, driven the way each can be driven on a machine with
 * Debian's browsers: Chromium through Playwright, Firefox ESR through WebDriver BiDi (puppeteer-core;
 * Playwright's BiDi client asks this Firefox for commands it lacks), WebKitGTK's MiniBrowser through
 * WebKitWebDriver (webdriverio) on a display of its own. The cross-engine specs use this alone.
 */
export interface EnginePage {
  readonly engine: EngineName
  goto(url: string): Promise<void>
  /** Runs `fn(arg)` in the page (whatever its Content Security Policy) and returns its result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>
  /** Clicks the element `selector` finds as a user does, through the driver's input (pointer events and all). */
  click(selector: string): Promise<void>
  /**
   * Opens another tab of the same browser profile (as the user's "new tab"): it shares this tab's
   * storage (IndexedDB, localStorage, not sessionStorage), BroadcastChannel and Web Locks, where
   * tabs from `EngineBrowser.newPage()` share nothing. Closed with this tab, or on its own.
   */
  openTab(): Promise<EnginePage>
  close(): Promise<void>
}

export type EngineName = 'chromium' | 'firefox' | 'webkit'

/** A running browser of one engine that opens tabs. */
export interface EngineBrowser {
  newPage(): Promise<EnginePage>
  close(): Promise<void>
}

export const ENGINE_BINARIES: Record<EngineName, string> = {
  chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  firefox: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
  webkit: process.env.WEBKIT_MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
}

export async function launchEngine(engine: EngineName): Promise<EngineBrowser> {
  if (!existsSync(ENGINE_BINARIES[engine])) {
    throw new Error(`${engine} is not installed at ${ENGINE_BINARIES[engine]} (Debian: apt-get install ${engine === 'chromium' ? 'chromium' : engine === 'firefox' ? 'firefox-esr' : 'webkit2gtk-driver xvfb'})`)
  }
  if (engine === 'chromium') return launchChromium()
  if (engine === 'firefox') return launchFirefox()
  return launchWebKit()
}

async function launchChromium(): Promise<EngineBrowser> {
  const browser = await chromium.launch({
    executablePath: ENGINE_BINARIES.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return {
    async newPage() {
      const context = await browser.newContext()
      return tabOf('chromium', await context.newPage(), () => context.close(), () => context.newPage())
    },
    close: () => browser.close(),
  }
}

async function launchFirefox(): Promise<EngineBrowser> {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: ENGINE_BINARIES.firefox, headless: true })
  return {
    async newPage() {
      const context = await browser.createBrowserContext()
      return tabOf('firefox', await context.newPage(), () => context.close(), () => context.newPage())
    },
    close: () => browser.close(),
  }
}

/** A Playwright or puppeteer page (the two speak alike for what a tab needs) as an EnginePage; `another` opens a tab beside it. */
function tabOf<P extends DriverPage>(engine: EngineName, page: P, close: () => Promise<void>, another: () => Promise<P>): EnginePage {
  return {
    engine,
    goto: async (url) => void (await page.goto(url)),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
    click: async (selector) => void (await page.click(selector)),
    openTab: async () => {
      const other = await another()
      return tabOf(engine, other, async () => void (await other.close()), another)
    },
    close,
  }
}

interface DriverPage {
  goto(url: string): Promise<unknown>
  evaluate(fn: never, arg: never): Promise<unknown>
  click(selector: string): Promise<unknown>
  close(): Promise<unknown>
}

/** WebKitGTK: a display (Xvfb), a WebKitWebDriver, and a MiniBrowser session per tab (each its own ephemeral profile). */
async function launchWebKit(): Promise<EngineBrowser> {
  const { remote } = await import('webdriverio')
  const display = await startDisplay()
  const port = await freePort()
  const env = { ...process.env, DISPLAY: display.name, WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS: '1' }
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { env, stdio: 'ignore' })
  await waitForPort(port)
  const sessions = new Set<{ deleteSession(): Promise<unknown> }>()
  return {
    async newPage() {
      const session = await remote({
        hostname: '127.0.0.1',
        port,
        logLevel: 'error',
        capabilities: { 'webkitgtk:browserOptions': { binary: ENGINE_BINARIES.webkit, args: ['--automation'] } } as WebdriverIO.Capabilities,
      })
      sessions.add(session)
      // The session's tabs are its window handles; WebDriver speaks to one at a time, so the
      // commands of its tabs run one after the other, each in its own tab.
      let current = await session.getWindowHandle()
      let queue: Promise<unknown> = Promise.resolve()
      const inTab = <T>(handle: string, command: () => Promise<T>): Promise<T> => {
        const run = queue.then(async () => {
          if (current !== handle) {
            await session.switchToWindow(handle)
            current = handle
          }
          return command()
        })
        queue = run.catch(() => {})
        return run
      }
      const tab = (handle: string, close: () => Promise<void>): EnginePage => ({
        engine: 'webkit',
        goto: (url) => inTab(handle, async () => void (await session.url(url))),
        click: (selector) => inTab(handle, () => session.$(selector).click()),
        async evaluate(fn, arg) {
          // Sent as the script's text: WebDriver runs it whatever the page's CSP (an eval in the page would not).
          const script = `const done = arguments[arguments.length - 1];
            Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then(
              (value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }))`
          const result = (await inTab(handle, () => session.executeAsync(script, arg))) as { value?: unknown; error?: string }
          if (result.error !== undefined) throw new Error(result.error)
          return result.value as never
        },
        async openTab() {
          // WebDriver's New Window: a tab of this session (this profile), with no opener.
          const { handle: other } = await inTab(handle, () => session.createWindow('tab'))
          // Closing is cleanup, never an assertion: a session that has already ended has no tab to close
          // (seen once in CI: MiniBrowser's session gone after every assertion of the test had passed).
          return tab(other, () =>
            inTab(other, async () => {
              await session.closeWindow()
              current = ''
            }).catch(() => {}),
          )
        },
        close,
      })
      return tab(current, async () => {
        sessions.delete(session)
        await session.deleteSession().catch(() => {})
      })
    },
    async close() {
      await Promise.all([...sessions].map((session) => session.deleteSession().catch(() => {})))
      await stop(driver)
      await stop(display.process)
    },
  }
}

/** An X display of its own (Xvfb picks a free number and says which). */
function startDisplay(): Promise<{ name: string; process: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
    let text = ''
    xvfb.once('error', (error) => reject(new Error(`Xvfb could not start (Debian: apt-get install xvfb): ${error.message}`)))
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve({ name: `:${text.trim()}`, process: xvfb })
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before it named its display`)))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false)
    if (status) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port}`)
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill()
  })
}
