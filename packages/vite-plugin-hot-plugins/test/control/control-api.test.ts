import { describe, expect, it } from 'vitest'
import { trackConnectedTabs } from '../../src/control/connected-tabs.js'
import { createControlApi } from '../../src/control/control-api.js'
import { cleanupAfterEach } from '../fixtures.js'
import { fakeChannel, listen, pluginStatus } from './fixtures.js'

const discovered = [
  { id: 'counter', file: 'src/plugins/counter/index.ts' },
  { id: 'notes', file: 'src/plugins/notes/index.ts' },
]
const JSON_TYPE = 'application/json; charset=utf-8'

const teardown = cleanupAfterEach()

/** The control API over a fake hot channel, served on a free port; every other request gets 418. */
async function serve(base = '/', plugins: readonly { id: string; file: string }[] = discovered) {
  const { channel, connect } = fakeChannel()
  const warnings: string[] = []
  const api = createControlApi({
    base,
    tabs: trackConnectedTabs(channel),
    discovered: async () => plugins,
    logger: { warn: (message) => void warnings.push(message) },
  })
  const http = await listen((req, res) =>
    api(req, res, () => {
      res.statusCode = 418
      res.end('next')
    }),
  )
  teardown.server(http)
  return { ...http, connect, warnings }
}

describe('GET /__hot-plugins/status', () => {
  it('lists every discovered plugin, with empty tabs while no tab is connected', async () => {
    const api = await serve()
    const answer = await api.request('GET', '/__hot-plugins/status')
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(JSON_TYPE)
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.body).toEqual({
      tabs: 0,
      plugins: [
        { id: 'counter', file: 'src/plugins/counter/index.ts', tabs: [] },
        { id: 'notes', file: 'src/plugins/notes/index.ts', tabs: [] },
      ],
    })
  })

  it("shows each tab's view of each plugin, and forgets a tab when it disconnects", async () => {
    const api = await serve()
    const one = api.connect('tab-1')
    const two = api.connect('tab-2')
    one.report([pluginStatus('counter', { version: '1.2.0', reloadCount: 2, lastReloadMs: 9 }), pluginStatus('notes')])
    two.report([pluginStatus('counter', { status: 'disabled', hotReload: false }), pluginStatus('legacy')])

    const { body } = await api.request('GET', '/__hot-plugins/status')
    expect(body.tabs).toBe(2)
    expect(body.plugins).toEqual([
      {
        id: 'counter',
        file: 'src/plugins/counter/index.ts',
        tabs: [
          { tab: 'tab-1', status: 'idle', version: '1.2.0', reloadCount: 2, lastReloadMs: 9, hotReload: true },
          { tab: 'tab-2', status: 'disabled', reloadCount: 0, hotReload: false },
        ],
      },
      { id: 'notes', file: 'src/plugins/notes/index.ts', tabs: [{ tab: 'tab-1', status: 'idle', reloadCount: 0, hotReload: true }] },
      // Reported by a tab though not found (yet, or any more) by the dev server.
      { id: 'legacy', file: 'src/plugins/legacy/index.ts', tabs: [{ tab: 'tab-2', status: 'idle', reloadCount: 0, hotReload: true }] },
    ])

    one.disconnect()
    const after = await api.request('GET', '/__hot-plugins/status')
    expect(after.body.tabs).toBe(1)
    expect(after.body.plugins[0].tabs).toEqual([{ tab: 'tab-2', status: 'disabled', reloadCount: 0, hotReload: false }])
  })

  it("lives under Vite's base, and ignores the query string", async () => {
    const api = await serve('/app/')
    expect((await api.request('GET', '/app/__hot-plugins/status?pretty')).status).toBe(200)
    expect((await api.request('GET', '/__hot-plugins/status')).status).toBe(418)
    expect((await api.request('GET', '/app/src/main.ts')).status).toBe(418)
  })

  it('refuses another method with 405 and Allow', async () => {
    const api = await serve()
    const answer = await api.post('/__hot-plugins/status', {})
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET')
    expect(answer.headers['content-type']).toBe(JSON_TYPE)
    expect(answer.body).toEqual({ error: '/__hot-plugins/status takes GET, not POST' })
  })
})

describe('POST /__hot-plugins/reload', () => {
  it('asks every connected tab that runs the plugin to reload it: 202 with how many', async () => {
    const api = await serve()
    const one = api.connect('tab-1')
    const two = api.connect('tab-2')
    const three = api.connect('tab-3')
    one.report([pluginStatus('counter')])
    two.report([pluginStatus('counter')])
    three.report([pluginStatus('notes')])

    const answer = await api.post('/__hot-plugins/reload', { id: 'counter' })
    expect(answer.status).toBe(202)
    expect(answer.headers['content-type']).toBe(JSON_TYPE)
    expect(answer.body).toEqual({ id: 'counter', tabs: 2 })
    expect(one.received).toEqual([{ action: 'reload', id: 'counter' }])
    expect(two.received).toEqual([{ action: 'reload', id: 'counter' }])
    expect(three.received).toEqual([])
  })

  it('accepts a charset in the content type', async () => {
    const api = await serve()
    api.connect('tab-1').report([pluginStatus('counter')])
    const answer = await api.post('/__hot-plugins/reload', { id: 'counter' }, { 'content-type': 'application/json; charset=utf-8' })
    expect(answer.status).toBe(202)
  })

  it('refuses an unknown id with 404, naming it and the known ones', async () => {
    const api = await serve()
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter'), pluginStatus('notes')])
    const answer = await api.post('/__hot-plugins/reload', { id: 'ghost' })
    expect(answer.status).toBe(404)
    expect(answer.body).toEqual({ error: 'there is no plugin "ghost"; the plugins are: counter, notes' })
    expect(tab.received).toEqual([])
  })

  it('answers 409 when no tab is connected, or none runs the plugin', async () => {
    const api = await serve()
    const none = await api.post('/__hot-plugins/reload', { id: 'counter' })
    expect(none.status).toBe(409)
    expect(none.body).toEqual({ error: 'no browser tab is connected to the dev server: open the app in a browser, then try again' })

    api.connect('tab-1').report([pluginStatus('notes')])
    const notRunning = await api.post('/__hot-plugins/reload', { id: 'counter' })
    expect(notRunning.status).toBe(409)
    expect(notRunning.body).toEqual({ error: 'none of the 1 connected tab runs plugin "counter"' })
  })

  it('refuses a body that is not JSON (415), not valid JSON or of the wrong shape (400)', async () => {
    const api = await serve()
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter')])
    const cases: [Record<string, string>, string, number, string][] = [
      [{ 'content-type': 'text/plain' }, '{"id":"counter"}', 415, 'the body must be JSON with content-type: application/json (got "text/plain")'],
      [{}, '{"id":"counter"}', 415, 'the body must be JSON with content-type: application/json (got none)'],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 'id=counter', 415, 'the body must be JSON with content-type: application/json (got "application/x-www-form-urlencoded")'],
      [{ 'content-type': 'application/json' }, '{"id":', 400, 'the body is not valid JSON: '],
      [{ 'content-type': 'application/json' }, '', 400, 'the body is not valid JSON: '],
      [{ 'content-type': 'application/json' }, '["counter"]', 400, 'the body must be a JSON object with "id" (string)'],
      [{ 'content-type': 'application/json' }, '{}', 400, '"id" is missing; the fields are "id" (string)'],
      [{ 'content-type': 'application/json' }, '{"id":7}', 400, '"id" must be a non-empty string, not 7'],
      [{ 'content-type': 'application/json' }, '{"id":""}', 400, '"id" must be a non-empty string, not ""'],
      [{ 'content-type': 'application/json' }, '{"id":"counter","force":true}', 400, 'unknown field "force"; the fields are "id" (string)'],
    ]
    for (const [headers, body, status, error] of cases) {
      const answer = await api.request('POST', '/__hot-plugins/reload', { headers, body })
      expect({ body, status: answer.status }).toEqual({ body, status })
      expect(answer.headers['content-type']).toBe(JSON_TYPE)
      expect(answer.body.error).toContain(error)
    }
    expect(tab.received).toEqual([])
  })

  it('refuses a body larger than 16 KiB with 413', async () => {
    const api = await serve()
    const answer = await api.post('/__hot-plugins/reload', { id: 'x'.repeat(20_000) })
    expect(answer.status).toBe(413)
    expect(answer.body).toEqual({ error: 'the body is larger than 16384 bytes' })
  })
})

describe('POST /__hot-plugins/hot-reload', () => {
  it('turns hot reload off for one plugin in every connected tab', async () => {
    const api = await serve()
    const one = api.connect('tab-1')
    const two = api.connect('tab-2')
    one.report([pluginStatus('counter')])
    two.report([pluginStatus('notes')])
    const answer = await api.post('/__hot-plugins/hot-reload', { id: 'counter', enabled: false })
    expect(answer.status).toBe(202)
    expect(answer.body).toEqual({ id: 'counter', enabled: false, tabs: 2 })
    expect(one.received).toEqual([{ action: 'set-hot-reload', id: 'counter', enabled: false }])
    expect(two.received).toEqual([{ action: 'set-hot-reload', id: 'counter', enabled: false }])
  })

  it('without an id, turns it on or off for every plugin', async () => {
    const api = await serve()
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter')])
    const answer = await api.post('/__hot-plugins/hot-reload', { enabled: true })
    expect(answer.status).toBe(202)
    expect(answer.body).toEqual({ enabled: true, tabs: 1 })
    expect(tab.received).toEqual([{ action: 'set-hot-reload', enabled: true }])
  })

  it('refuses a missing or wrong "enabled", an unknown id, and answers 409 with no tab', async () => {
    const api = await serve()
    expect((await api.post('/__hot-plugins/hot-reload', { id: 'counter', enabled: false })).status).toBe(409)
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter')])
    const missing = await api.post('/__hot-plugins/hot-reload', { id: 'counter' })
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({ error: '"enabled" is missing; the fields are "id" (string, optional), "enabled" (boolean)' })
    const wrong = await api.post('/__hot-plugins/hot-reload', { enabled: 'no' })
    expect(wrong.status).toBe(400)
    expect(wrong.body).toEqual({ error: '"enabled" must be a boolean, not "no"' })
    const unknown = await api.post('/__hot-plugins/hot-reload', { id: 'ghost', enabled: false })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ error: 'there is no plugin "ghost"; the plugins are: counter, notes' })
    expect(tab.received).toEqual([])
  })
})

describe("a remote dev server's plugin: one name in the status, the commands and the terminal", () => {
  const CHARTS = '//127.0.0.1:5612/src/plugins/charts/index.ts'
  const withRemote = [...discovered, { id: 'charts', file: CHARTS }]

  it('is listed as charts@127.0.0.1:5612, and /reload takes that name (or "charts" alone), telling the tab its id', async () => {
    const api = await serve('/', withRemote)
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter'), pluginStatus('charts', { file: CHARTS })])

    const { body } = await api.request('GET', '/__hot-plugins/status')
    expect(body.plugins.map((p: { id: string; tabs: unknown[] }) => [p.id, p.tabs.length])).toEqual([
      ['counter', 1],
      ['notes', 0],
      ['charts@127.0.0.1:5612', 1],
    ])
    const byName = await api.post('/__hot-plugins/reload', { id: 'charts@127.0.0.1:5612' })
    expect(byName).toMatchObject({ status: 202, body: { id: 'charts@127.0.0.1:5612', tabs: 1 } })
    const byId = await api.post('/__hot-plugins/reload', { id: 'charts' })
    expect(byId).toMatchObject({ status: 202, body: { id: 'charts@127.0.0.1:5612', tabs: 1 } })
    expect(tab.received).toEqual([
      { action: 'reload', id: 'charts' },
      { action: 'reload', id: 'charts' },
    ])
    const off = await api.post('/__hot-plugins/hot-reload', { id: 'charts@127.0.0.1:5612', enabled: false })
    expect(off).toMatchObject({ status: 202, body: { id: 'charts@127.0.0.1:5612', enabled: false, tabs: 1 } })
    expect(tab.received.at(-1)).toEqual({ action: 'set-hot-reload', id: 'charts', enabled: false })
    const unknown = await api.post('/__hot-plugins/reload', { id: 'charts@127.0.0.1:9999' })
    expect(unknown).toMatchObject({ status: 404, body: { error: 'there is no plugin "charts@127.0.0.1:9999"; the plugins are: counter, notes, charts@127.0.0.1:5612' } })
  })

  it('refuses the id alone when two plugins have it (two remotes), naming both; each name still reloads its own', async () => {
    const OTHER = '//127.0.0.1:5700/src/plugins/charts/index.ts'
    const api = await serve('/', withRemote)
    const one = api.connect('tab-1')
    const two = api.connect('tab-2')
    one.report([pluginStatus('charts', { file: CHARTS })])
    // A page loaded when another remote served a plugin of that id.
    two.report([pluginStatus('charts', { file: OTHER })])

    const ambiguous = await api.post('/__hot-plugins/reload', { id: 'charts' })
    expect(ambiguous).toMatchObject({ status: 409, body: { error: '"charts" is the id of 2 plugins: charts@127.0.0.1:5612, charts@127.0.0.1:5700; name one of them' } })
    expect(await api.post('/__hot-plugins/reload', { id: 'charts@127.0.0.1:5700' })).toMatchObject({ status: 202, body: { tabs: 1 } })
    expect(one.received).toEqual([])
    expect(two.received).toEqual([{ action: 'reload', id: 'charts' }])
  })
})

describe('requests from other origins', () => {
  it('are refused with 403 (Origin of another site, Sec-Fetch-Site: cross-site or same-site), and change nothing', async () => {
    const api = await serve()
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter')])
    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://localhost:${api.port + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: `http://localhost:${api.port}` },
    ]
    for (const headers of refused) {
      const answer = await api.post('/__hot-plugins/reload', { id: 'counter' }, headers)
      expect({ headers, status: answer.status }).toEqual({ headers, status: 403 })
      expect(answer.headers['content-type']).toBe(JSON_TYPE)
      expect(answer.body.error).toMatch(/^cross-origin requests are refused \((Origin|Sec-Fetch-Site): /)
    }
    const get = await api.request('GET', '/__hot-plugins/status', { headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } })
    expect(get.status).toBe(403)
    // Before the content type is looked at: a form another site posts is refused as cross-origin.
    const form = await api.request('POST', '/__hot-plugins/hot-reload', {
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: '{"enabled":false}',
    })
    expect(form.status).toBe(403)
    expect(form.body).toEqual({
      error: `cross-origin requests are refused (Origin: http://evil.example on host localhost:${api.port}); send it from the app's own origin, or without a browser`,
    })
    expect(tab.received).toEqual([])
    expect(api.warnings).toHaveLength(refused.length + 2)
    expect(api.warnings[0]).toBe(
      `[hot-plugins] refused a request to /__hot-plugins/reload from another origin (Origin: http://evil.example on host localhost:${api.port})`,
    )
  })

  it("are accepted from the app's own origin, and without a browser's headers", async () => {
    const api = await serve()
    const tab = api.connect('tab-1')
    tab.report([pluginStatus('counter')])
    const accepted: Record<string, string>[] = [
      {},
      { origin: `http://localhost:${api.port}`, 'sec-fetch-site': 'same-origin' },
      { origin: `http://LOCALHOST:${api.port}` },
      { 'sec-fetch-site': 'none' },
    ]
    for (const headers of accepted) {
      const answer = await api.post('/__hot-plugins/reload', { id: 'counter' }, headers)
      expect({ headers, status: answer.status }).toEqual({ headers, status: 202 })
    }
    expect(tab.received).toHaveLength(accepted.length)
  })
})

describe('other paths under /__hot-plugins/', () => {
  it('answer 404 listing the endpoints', async () => {
    const api = await serve()
    for (const path of ['/__hot-plugins/', '/__hot-plugins', '/__hot-plugins/reboot', '/__hot-plugins/status/', '/__hot-plugins/constructor']) {
      const answer = await api.request('GET', path)
      expect({ path, status: answer.status }).toEqual({ path, status: 404 })
      expect(answer.headers['content-type']).toBe(JSON_TYPE)
      expect(answer.body.error).toMatch(
        /; there are: GET \/__hot-plugins\/status, POST \/__hot-plugins\/reload, POST \/__hot-plugins\/hot-reload$/,
      )
    }
  })
})
