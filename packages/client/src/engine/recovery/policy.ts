import type { RetryPolicy } from '../../protocol/index.js'

export { DEFAULT_RETRY, type RetryPolicy } from '../../protocol/index.js'

/**
 * The delay before retry number `attempt` (1-based): exponential, capped, with jitter so that tabs
 * retrying the same failure do not hit the server in step.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1))
  const spread = base * policy.jitter * (2 * random() - 1)
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base + spread)))
}

/**
 * Whether an import failed for a reason that may pass (the module could not be fetched), as
 * opposed to code that throws whenever it runs. Browsers word it differently; all say "fetch" or
 * "import" in a TypeError.
 */
export function isTransientImportError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /failed to fetch dynamically imported module|error loading dynamically imported module|importing a module script failed/i.test(error.message)
  )
}

/**
 * Counts each plugin's failures in a row; a success resets the count. `failed` says whether this
 * failure reaches the threshold, once per run of failures.
 */
export function createFailureCounter(threshold: number) {
  const counts = new Map<string, number>()
  return {
    failed(id: string): { count: number; tripped: boolean } {
      const count = (counts.get(id) ?? 0) + 1
      counts.set(id, count)
      return { count, tripped: threshold > 0 && count === threshold }
    },
    succeeded(id: string): void {
      counts.delete(id)
    },
    count: (id: string): number => counts.get(id) ?? 0,
  }
}
