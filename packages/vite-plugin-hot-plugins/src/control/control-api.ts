import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  CONTROL_PATH,
  ControlEndpoints,
  LOG_PREFIX,
  type ControlCommand,
  type ControlError,
  type ControlHotReloadAnswer,
  type ControlReloadAnswer,
  type ControlStatus,
} from '@hot-plugins/client/protocol'
import type { Connect, Logger } from 'vite'
import { reloadInTabs, type ConnectedTabs } from './connected-tabs.js'
import { baseFolder } from '../served-url.js'
import { crossOriginRefusal } from './origin.js'
import { buildStatus, findPlugin, knownIds, pageId, type StatusPlugin } from './status.js'

export interface ControlApiOptions {
  /** Vite's `base` (`/`, `/app/`…): the endpoints live under `${base}__hot-plugins/`. */
  base: string
  tabs: ConnectedTabs
  /** The plugins the dev server found. */
  discovered(): Promise<readonly { id: string; file: string }[]>
  /** Where refused cross-origin requests are reported. */
  logger?: Pick<Logger, 'warn'>
}

/** Bodies above this size are refused: the real ones are a few dozen bytes. */
const MAX_BODY_BYTES = 16 * 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

type Answer = { status: number; body: unknown }

interface Endpoint {
  method: 'GET' | 'POST'
  handle(body: unknown): Promise<Answer>
}

/**
 * The dev server's control API (Connect middleware): the status of every plugin in every connected
 * tab, and commands to them (reload a plugin now, turn hot reload on or off). Only the app's own
 * pages and tools without a browser (curl, scripts) may use it: requests another origin makes are
 * refused, so a web page open in the same browser cannot reload or switch anything.
 */
export function createControlApi(options: ControlApiOptions): Connect.NextHandleFunction {
  const prefix = `${baseFolder(options.base)}${CONTROL_PATH}`
  const { tabs } = options
  const status = async (): Promise<ControlStatus> => buildStatus(await options.discovered(), tabs.list())

  /** The status, and the plugin `requested` names (its name, or its id alone when no other plugin has it), once some tab is connected. */
  const requireTabsFor = async (requested: string | undefined): Promise<{ current: ControlStatus; plugin: StatusPlugin | undefined }> => {
    const current = await status()
    const found = requested === undefined ? undefined : findPlugin(current, requested)
    if (requested !== undefined && !found) {
      throw new HttpError(404, `there is no plugin "${requested}"; the plugins are: ${knownIds(current)}`)
    }
    if (found && 'ambiguous' in found) {
      throw new HttpError(409, `"${requested}" is the id of ${found.ambiguous.length} plugins: ${found.ambiguous.map((p) => p.id).join(', ')}; name one of them`)
    }
    if (current.tabs === 0) {
      throw new HttpError(409, 'no browser tab is connected to the dev server: open the app in a browser, then try again')
    }
    return { current, plugin: found?.plugin }
  }

  const endpoints = new Map<string, Endpoint>([
    [ControlEndpoints.status, {
      method: 'GET',
      handle: async () => ({ status: 200, body: await status() }),
    }],
    [ControlEndpoints.reload, {
      method: 'POST',
      async handle(body) {
        const { id: requested } = readFields(body, { id: 'string' }, ['id']) as { id: string }
        const { current, plugin } = await requireTabsFor(requested)
        const id = plugin!.id
        const targets = reloadInTabs(tabs, pageId(plugin!), plugin!.file)
        if (targets.length === 0) {
          throw new HttpError(409, `none of the ${current.tabs} connected tab${current.tabs === 1 ? '' : 's'} runs plugin "${id}"`)
        }
        return { status: 202, body: { id, tabs: targets.length } satisfies ControlReloadAnswer }
      },
    }],
    [ControlEndpoints.hotReload, {
      method: 'POST',
      async handle(body) {
        const { id: requested, enabled } = readFields(body, { id: 'string', enabled: 'boolean' }, ['enabled']) as { id?: string; enabled: boolean }
        const { plugin } = await requireTabsFor(requested)
        const command: ControlCommand = plugin === undefined ? { action: 'set-hot-reload', enabled } : { action: 'set-hot-reload', id: pageId(plugin), enabled }
        // A tab whose plugin of that id comes from elsewhere (another remote) is not told.
        const targets = tabs.list().filter((tab) => plugin === undefined || (tab.plugins.get(pageId(plugin))?.file ?? plugin.file) === plugin.file)
        for (const tab of targets) tab.send(command)
        const answer: ControlHotReloadAnswer = plugin === undefined ? { enabled, tabs: targets.length } : { id: plugin.id, enabled, tabs: targets.length }
        return { status: 202, body: answer }
      },
    }],
  ])

  const handle = async (req: IncomingMessage, name: string): Promise<Answer> => {
    const refusal = crossOriginRefusal(req)
    if (refusal) {
      options.logger?.warn(`${LOG_PREFIX} refused a request to ${prefix}${name} from another origin (${refusal})`, { timestamp: true })
      throw new HttpError(403, `cross-origin requests are refused (${refusal}); send it from the app's own origin, or without a browser`)
    }
    const endpoint = endpoints.get(name)
    if (!endpoint) {
      const list = [...endpoints].map(([path, e]) => `${e.method} ${prefix}${path}`)
      throw new HttpError(404, `no endpoint ${prefix}${name}; there are: ${list.join(', ')}`)
    }
    if (req.method !== endpoint.method) {
      throw new HttpError(405, `${prefix}${name} takes ${endpoint.method}, not ${req.method}`, { allow: endpoint.method })
    }
    if (endpoint.method === 'GET') return endpoint.handle(undefined)
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new HttpError(415, `the body must be JSON with content-type: application/json (got ${type ? JSON.stringify(type) : 'none'})`)
    }
    return endpoint.handle(parseJson(await readBody(req)))
  }

  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (path !== prefix.slice(0, -1) && !path.startsWith(prefix)) return next()
    handle(req, path.slice(prefix.length)).then(
      (answer) => send(res, answer.status, answer.body),
      (error: unknown) => {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message } satisfies ControlError, error.headers)
        send(res, 500, { error: `the control API failed: ${error instanceof Error ? error.message : String(error)}` } satisfies ControlError)
      },
    )
  }
}

/** Checks the body: an object with only these fields, of these types, the required ones present. */
function readFields(body: unknown, shape: Record<string, 'string' | 'boolean'>, required: string[]): Record<string, unknown> {
  const expected = Object.entries(shape)
    .map(([name, type]) => `"${name}" (${type}${required.includes(name) ? '' : ', optional'})`)
    .join(', ')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, `the body must be a JSON object with ${expected}`)
  }
  const fields = body as Record<string, unknown>
  for (const [name, value] of Object.entries(fields)) {
    const type = shape[name]
    if (type === undefined) throw new HttpError(400, `unknown field "${name}"; the fields are ${expected}`)
    if (typeof value !== type || value === '') {
      throw new HttpError(400, `"${name}" must be a ${type === 'string' ? 'non-empty string' : type}, not ${JSON.stringify(value)}`)
    }
  }
  for (const name of required) {
    if (!(name in fields)) throw new HttpError(400, `"${name}" is missing; the fields are ${expected}`)
  }
  return fields
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data')
        req.resume()
        reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`))
      } else {
        chunks.push(chunk)
      }
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}
