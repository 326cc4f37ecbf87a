/** Runs `apply` once `changed()` has not been called for `quietMs`; never two at once (`apply` reports its own errors). */
export function createCoalescedRunner(apply: () => Promise<void>, quietMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()
  return {
    changed(): void {
      clearTimeout(timer)
      timer = setTimeout(() => {
        timer = undefined
        running = running.then(() => apply().catch(() => undefined))
      }, quietMs)
    },
    dispose(): void {
      clearTimeout(timer)
    },
  }
}
