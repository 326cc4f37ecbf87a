import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger, type Logger, type Plugin } from 'vite'
import { HotEvents, type CompileErrorAnnouncement } from '@hot-plugins/client/protocol'
import { EMPTY_MODULE } from '../../src/hmr/update-prefetch.js'
import { cleanupAfterEach, listeningServer } from '../fixtures.js'

// A change that does not compile never reaches the page: the dev server transforms it first and
// sends only the error (Vite's overlay, our runtime's event, the terminal), while the old plugin
// runs. Driven through a listening dev server's own watcher handling.

const tree = {
  'src/plugins/counter/index.ts': "import { formatCount } from './format'\nexport function activate() { return formatCount(1) }\n",
  'src/plugins/counter/format.ts': 'export const formatCount = (n: number) => `${n} clicks`\n',
  'src/main.ts': "import './plugins/counter/index'\nimport.meta.hot?.accept('./plugins/counter/index', () => {})\n",
}

/** Fails the transform of any module that contains this text, as a broken Vite plugin would. */
const failingTransform: Plugin = {
  name: 'fails-on-marker',
  enforce: 'pre',
  transform(code) {
    if (code.includes('FAIL_HERE')) throw new Error('the fails-on-marker plugin refused this module')
  },
}

const teardown = cleanupAfterEach()

interface Sent {
  type: string
  event?: string
  data?: unknown
  err?: { message: string }
}

async function listen() {
  const made = await teardown.tree(tree)
  const errors: string[] = []
  const logger: Logger = { ...createLogger('silent'), error: (message) => void errors.push(message) }
  const { server: running, base } = await listeningServer(made.root, [failingTransform], { customLogger: logger })
  teardown.server(running)
  await fetch(`${base}/src/main.ts`)
  await fetch(`${base}/src/plugins/counter/index.ts`)
  await fetch(`${base}/src/plugins/counter/format.ts`)

  const client = running.environments.client
  const sent: Sent[] = []
  const send = client.hot.send.bind(client.hot)
  client.hot.send = ((payload: string | Sent, data?: unknown) => {
    sent.push(typeof payload === 'string' ? { type: 'custom', event: payload, data } : payload)
    return (send as (...a: unknown[]) => void)(payload, data)
  }) as typeof client.hot.send

  /** Writes a file and lets Vite handle the change as its watcher would; resolves once the dev server answered. */
  const save = async (file: string, content: string): Promise<Sent[]> => {
    const from = sent.length
    await writeFile(path.join(made.root, file), content)
    running.watcher.emit('change', path.join(made.root, file))
    await expect.poll(() => sent.slice(from).some((s) => s.type === 'update' || s.type === 'error' || s.type === 'full-reload')).toBe(true)
    return sent.slice(from)
  }
  return { save, errors, base }
}

const refusal = (sent: Sent[]) => sent.find((s) => s.event === HotEvents.error)?.data as CompileErrorAnnouncement

describe('a change that does not compile is refused by the dev server', () => {
  it.each([
    {
      what: 'a syntax error',
      file: 'src/plugins/counter/index.ts',
      content: "import { formatCount } from './format'\nexport function activate() { return formatCount(1) \n",
      cause: /Expected `}` but found `EOF`/, // Vite 8's parser gives no location: its frame is in the message
    },
    {
      what: 'an import that does not resolve',
      file: 'src/plugins/counter/format.ts',
      content: "import { pad } from './missing-helper'\nexport const formatCount = (n: number) => `${pad(n)} clicks`\n",
      cause: /missing-helper/,
      // Where the import is, and the code around it, for the history and the overlay.
      at: /^src\/plugins\/counter\/format\.ts:1:\d+: /,
      frame: './missing-helper',
    },
    {
      what: 'a failing transform',
      file: 'src/plugins/counter/format.ts',
      content: 'export const formatCount = (n: number) => `${n} clicks` // FAIL_HERE\n',
      cause: /the fails-on-marker plugin refused this module/,
    },
  ])('$what: only the error is sent, naming the file and the plugin; the next good save applies', async ({ file, content, cause, at, frame }) => {
    const app = await listen()
    const sent = await app.save(file, content)

    // Nothing that would reach the running plugin: no announcement, no update, no reload. The page
    // was only told which modules to fetch ahead (they get an empty module: no update imports them).
    expect(sent.map((s) => s.event ?? s.type)).toEqual([HotEvents.prefetch, 'error', HotEvents.error])
    expect((sent[0]!.data as { urls: string[] }).urls).toEqual(
      [...new Set([`/${file}`, '/src/plugins/counter/index.ts'])].map((url) => expect.stringMatching(new RegExp(`^${url}\\?t=\\d+$`))),
    )
    expect(sent[1]!.err!.message).toMatch(cause)
    // What the page fetched ahead gets an empty module, which nothing imports (not the file transformed again).
    for (const url of (sent[0]!.data as { urls: string[] }).urls) expect(await (await fetch(`${app.base}${url}`)).text()).toBe(EMPTY_MODULE)
    expect(refusal(sent)).toMatchObject({ file, plugins: ['counter'] })
    expect(refusal(sent).message).toMatch(cause)
    expect(refusal(sent).message.startsWith(`${file}`), refusal(sent).message).toBe(true)
    if (at) expect(refusal(sent).message).toMatch(at)
    if (frame) expect(refusal(sent).frame).toContain(frame)
    // The page shows plain text: no terminal colour codes in what it is sent.
    expect(JSON.stringify(sent)).not.toMatch(/\\u001b\[/)
    expect(app.errors).toHaveLength(1)
    expect(app.errors[0]).toContain(`${file}`)
    expect(app.errors[0]).toContain('does not compile; counter keeps running the previous version')
    expect(app.errors[0]).toMatch(cause)

    // HMR is not dead: a good save of the plugin's other file is announced and sent.
    const other = file.endsWith('index.ts') ? 'src/plugins/counter/format.ts' : 'src/plugins/counter/index.ts'
    const fixed = await app.save(other, `${tree[other as keyof typeof tree]}// saved again\n`)
    expect(fixed.filter((s) => s.event === HotEvents.update).map((s) => s.data)).toMatchObject([{ files: [other], plugins: ['counter'] }])
    expect(fixed.at(-1)!.type).toBe('update')
    // Its modules fetched ahead are served now that the update went out.
    const [ahead] = (fixed.find((s) => s.event === HotEvents.prefetch)!.data as { urls: string[] }).urls
    const served = await (await fetch(`${app.base}${ahead}`)).text()
    expect(served).not.toBe(EMPTY_MODULE)
    expect(served).toContain('formatCount')
    expect(fixed.some((s) => s.type === 'error' || s.type === 'full-reload')).toBe(false)
  })
})
