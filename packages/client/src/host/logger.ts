import { LOG_PREFIX } from '../protocol/index.js'
import type { Logger } from './types.js'

type Write = (...args: unknown[]) => void
// The core is typed without DOM or Node globals; every JavaScript host has a console.
const output = (globalThis as unknown as { console: Record<'info' | 'warn' | 'error', Write> }).console

const line =
  (write: 'info' | 'warn' | 'error') =>
  (message: string, error?: unknown): void =>
    error === undefined ? output[write](`${LOG_PREFIX} ${message}`) : output[write](`${LOG_PREFIX} ${message}`, error)

/** The default logger: the console, every line prefixed with `[hot-plugins]`. */
export const consoleLogger: Logger = { info: line('info'), warn: line('warn'), error: line('error') }
