import { cp, mkdir, rm, symlink } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDevServer, type DevServer } from './dev-server'
import { editableFiles, tempFolder, type PlaygroundCopy } from './playground'

const remoteRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'playground-remote')

/** A private copy of playground-remote (the plugin project with its own dev server), to edit and to stop and start. */
export interface RemoteProject extends PlaygroundCopy {
  /** `http://localhost:<port>`, as the host lists it in `remotes`. */
  url: string
  /** What its dev server logged, across restarts. */
  logs(): string[]
  /** Starts its dev server on its port (again after `stop`). */
  start(): Promise<void>
  /** Stops its dev server, as Ctrl+C would. */
  stop(): Promise<void>
  /** How many HMR sockets its running dev server has open (a host's page must open none). */
  sockets(): number
}

/** Copies playground-remote into `playground-temp/<name>` and serves it on `port` once `start` is called. */
export async function copyRemoteProject(name: string, port: number): Promise<RemoteProject> {
  const root = tempFolder(name)
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  await cp(remoteRoot, root, { recursive: true, filter: (source) => !/(^|[\\/])(node_modules|dist)([\\/]|$)/.test(path.relative(remoteRoot, source)) })
  await symlink(path.join(remoteRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  const runs: string[][] = []
  let running: DevServer | undefined
  return {
    root,
    url: `http://localhost:${port}`,
    logs: () => runs.flat(),
    ...editableFiles(root),
    async start() {
      running = await startDevServer(root, { port })
      runs.push(running.logs)
    },
    sockets: () => (running?.server.ws as unknown as { clients: Set<unknown> } | undefined)?.clients.size ?? 0,
    async stop() {
      await running?.server.close()
      running = undefined
    },
    async remove() {
      await running?.server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}
