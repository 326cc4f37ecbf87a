import path from 'node:path'
import { createServer, type Logger, type ViteDevServer } from 'vite'

/** A Vite dev server started programmatically, with what it logged. */
export interface DevServer {
  server: ViteDevServer
  url: string
  logs: string[]
}

/**
 * Starts Vite's dev server on `root` with its `vite.config.ts`, logging into `logs` instead of the
 * terminal. Shared by the e2e tests and the benchmark.
 */
export async function startDevServer(root: string, options: { port?: number } = {}): Promise<DevServer> {
  const logs: string[] = []
  const record = (level: string) => (message: string) => logs.push(`${level}: ${message}`)
  const logger: Logger = {
    info: record('info'),
    warn: record('warn'),
    warnOnce: record('warn'),
    error: record('error'),
    clearScreen: () => {},
    hasErrorLogged: () => false,
    hasWarned: false,
  }
  const server = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    customLogger: logger,
    server: options.port ? { port: options.port, strictPort: true } : { port: 0, strictPort: false },
    // node_modules is shared with the playground; a dependency cache there would be shared by
    // copies with different roots, and each would re-optimize it (reloading the page mid-test).
    cacheDir: path.join(root, '.vite'),
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('the dev server did not report its URL')
  return { server, url, logs }
}
