// `tsc` does not read .svelte files: type their default export as a component.
declare module '*.svelte' {
  import type { Component } from 'svelte'
  const component: Component<any>
  export default component
}
