import { describe, expect, it } from 'vitest'
import type { DevEnvironment, EnvironmentModuleNode, Logger, TransformResult } from 'vite'
import { findCompileFailure, refuseChange, withoutTerminalColours, type CompileFailure } from '../../src/hmr/compile-check.js'

const mod = (url: string, type: 'js' | 'css' = 'js') => ({ url, type }) as EnvironmentModuleNode

/** An environment whose transformRequest fails for the URLs given. */
function environment(failures: Record<string, unknown> = {}) {
  const requested: string[] = []
  const env = {
    async transformRequest(url: string): Promise<TransformResult | null> {
      requested.push(url)
      if (url in failures) throw failures[url]
      return { code: '', map: null } as TransformResult
    },
  } as unknown as DevEnvironment
  return { env, requested }
}

describe('findCompileFailure', () => {
  it("transforms each changed JS module with the environment's transformRequest; CSS is left to Vite", async () => {
    const { env, requested } = environment()
    expect(await findCompileFailure(env, [mod('/a.ts'), mod('/a.css', 'css'), mod('/b.ts')])).toBeUndefined()
    expect(requested).toEqual(['/a.ts', '/b.ts'])
  })

  it('returns the first failure with what the overlay shows: message, stack, id, frame, plugin, location', async () => {
    const error = Object.assign(new Error('Unexpected token'), {
      id: '/app/src/a.ts',
      frame: '1 | const = 1\n  |       ^',
      plugin: 'vite:oxc',
      loc: { file: '/app/src/a.ts', line: 1, column: 6 },
    })
    const { env, requested } = environment({ '/a.ts': error, '/b.ts': new Error('second') })
    const failure = await findCompileFailure(env, [mod('/a.ts'), mod('/b.ts')])
    expect(failure).toEqual({
      message: 'Unexpected token',
      stack: error.stack,
      id: '/app/src/a.ts',
      frame: '1 | const = 1\n  |       ^',
      plugin: 'vite:oxc',
      loc: { file: '/app/src/a.ts', line: 1, column: 6 },
    })
    expect(requested).toEqual(['/a.ts'])
  })

  it('keeps only the fields an error has; a thrown non-error becomes the message', async () => {
    const bare = await findCompileFailure(environment({ '/a.ts': { message: 'no stack here' } }).env, [mod('/a.ts')])
    expect(bare).toStrictEqual({ message: 'no stack here', stack: '' })
    const thrown = await findCompileFailure(environment({ '/a.ts': 'a string' }).env, [mod('/a.ts')])
    expect(thrown).toStrictEqual({ message: 'a string', stack: '' })
  })

  it('uses the transform it is given instead', async () => {
    const { env, requested } = environment()
    const seen: string[] = []
    const failure = await findCompileFailure(env, [mod('/a.ts')], async (m) => {
      seen.push(m.url)
      throw new Error('validated elsewhere')
    })
    expect(failure?.message).toBe('validated elsewhere')
    expect(seen).toEqual(['/a.ts'])
    expect(requested).toEqual([])
  })
})

describe('withoutTerminalColours', () => {
  it("removes the compiler's colour codes from what the page shows, and keeps everything else", () => {
    const failure = { message: '\u001b[31mUnexpected token\u001b[39m', stack: 'at \u001b[2ma.ts\u001b[22m', frame: '\u001b[33m1 | const = 1\u001b[39m\n  |       ^', id: '/a.ts', loc: { line: 1, column: 6 } }
    expect(withoutTerminalColours(failure)).toEqual({ message: 'Unexpected token', stack: 'at a.ts', frame: '1 | const = 1\n  |       ^', id: '/a.ts', loc: { line: 1, column: 6 } })
    expect(withoutTerminalColours({ message: 'plain', stack: '' })).toStrictEqual({ message: 'plain', stack: '' })
  })
})

describe('refuseChange', () => {
  /** An environment that records what it sends, and a logger that records its errors. */
  function refusing() {
    const sent: unknown[] = []
    const errors: { message: string; options: unknown }[] = []
    const env = { hot: { send: (...payload: unknown[]) => sent.push(payload.length === 1 ? payload[0] : payload) } } as unknown as DevEnvironment
    const logger = { error: (message: string, options: unknown) => errors.push({ message, options }) } as unknown as Logger
    return { env, logger, sent, errors }
  }
  const failure: CompileFailure = {
    message: '\u001b[31mUnexpected token\u001b[39m',
    stack: 'SyntaxError: Unexpected token',
    frame: '1 | const = 1\n  |       ^',
    loc: { file: '/app/src/plugins/a/helper.ts', line: 1, column: 6 },
  }

  it('logs one line naming the failing place and the plugins that keep their old version, then the error and its frame', () => {
    const { env, logger, sent, errors } = refusing()
    refuseChange(env, { root: '/app', logger }, { file: 'src/plugins/a/index.ts', plugins: ['a'] }, failure)
    expect(errors).toEqual([
      {
        message: `[hot-plugins] src/plugins/a/helper.ts:1:6 does not compile; a keeps running the previous version.\n${failure.message}\n${failure.frame}`,
        options: { timestamp: true },
      },
    ])
    // Vite's overlay gets the error without colour codes; the page gets the plugins it concerns.
    expect(sent).toEqual([
      { type: 'error', err: { ...failure, message: 'Unexpected token' } },
      [
        'hot-plugins:error',
        { file: 'src/plugins/a/index.ts', plugins: ['a'], message: 'src/plugins/a/helper.ts:1:6: Unexpected token', frame: failure.frame },
      ],
    ])
  })

  it('names the cause, and several plugins, and leaves out what the failure does not have', () => {
    const { env, logger, sent, errors } = refusing()
    const bare: CompileFailure = { message: 'Failed to resolve import "./gone"', stack: '' }
    refuseChange(env, { root: '/app', logger }, { file: 'src/shared/gone.ts', plugins: ['a', 'b'], cause: 'src/shared/gone.ts was deleted' }, bare)
    expect(errors.map((e) => e.message)).toEqual([
      '[hot-plugins] src/shared/gone.ts was deleted, and src/shared/gone.ts does not compile without it; a, b keep running the previous version.\nFailed to resolve import "./gone"',
    ])
    expect(sent[1]).toEqual([
      'hot-plugins:error',
      { file: 'src/shared/gone.ts', plugins: ['a', 'b'], message: 'src/shared/gone.ts was deleted: src/shared/gone.ts: Failed to resolve import "./gone"' },
    ])
  })

  it('without a logger, still tells the page', () => {
    const { env, sent } = refusing()
    refuseChange(env, { root: '/app', logger: undefined }, { file: 'src/plugins/a/index.ts', plugins: ['a'] }, failure)
    expect(sent).toHaveLength(2)
  })
})
