import { describe, expect, it } from 'vitest'
import { joinRemotePlugins } from '../../src/remote/remote-plugins.js'

const A = 'http://localhost:5174'
const B = 'http://localhost:5175'
const exposed = (remote: string, id: string) => ({ id, file: `src/plugins/${id}/index.ts`, url: `${remote}/src/plugins/${id}/index.ts` })

function join(own: { id: string; file: string }[], remotes: [string, ReturnType<typeof exposed>[]][]) {
  const reports: string[] = []
  const plugins = joinRemotePlugins(own, new Map(remotes), (_key, message) => reports.push(message))
  return { plugins, reports }
}

describe('the remotes’ plugins that join the app’s', () => {
  it('are named by the remote and imported from it', () => {
    const { plugins, reports } = join([{ id: 'counter', file: 'src/plugins/counter/index.ts' }], [[A, [exposed(A, 'charts')]]])
    expect(plugins).toEqual([{ id: 'charts', file: '//localhost:5174/src/plugins/charts/index.ts', url: `${A}/src/plugins/charts/index.ts`, remote: A }])
    expect(reports).toEqual([])
  })

  it('an id of the app’s own: the app’s plugin wins, and both are named', () => {
    const { plugins, reports } = join([{ id: 'charts', file: 'src/plugins/charts/index.ts' }], [[A, [exposed(A, 'charts'), exposed(A, 'gauge')]]])
    expect(plugins.map((p) => p.id)).toEqual(['gauge'])
    expect(reports).toEqual([
      `two plugins have the id "charts": src/plugins/charts/index.ts (this app) and src/plugins/charts/index.ts of ${A}; src/plugins/charts/index.ts (this app) runs, charts@localhost:5174 is left out. Give one a distinct id with \`export const meta = { id: '…' }\``,
    ])
  })

  it('an id of two remotes: the one listed first wins', () => {
    const { plugins, reports } = join([], [[A, [exposed(A, 'charts')]], [B, [exposed(B, 'charts')]]])
    expect(plugins.map((p) => p.remote)).toEqual([A])
    expect(reports[0]).toContain(`src/plugins/charts/index.ts of ${A} runs, charts@localhost:5175 is left out`)
  })

  it('an entry a remote lists at another address is refused: the page imports only from the remotes listed', () => {
    const { plugins, reports } = join([], [[A, [{ ...exposed(A, 'charts'), url: 'http://elsewhere.test/charts.js' }]]])
    expect(plugins).toEqual([])
    expect(reports).toEqual([`charts@localhost:5174 is refused: ${A} lists it at http://elsewhere.test/charts.js, outside itself; plugins are loaded only from the dev servers in "remotes"`])
  })
})
