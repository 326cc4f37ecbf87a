/** What this project's plugins use of the host's API (the host app lives in another project). */
export interface HostContext {
  panel: HTMLElement
  setTitle(title: string): void
  log(message: string): void
}
