// The React Fast Refresh side of `single`: the anchor a user would otherwise pick. Each plugin is a
// React component (its own module, `useState` for the click count) rendered once into its panel;
// an edit of it is refreshed in place by @vitejs/plugin-react, state kept. The page's side of the
// measurement is the same as the other apps' (`window.__bench`, `<p data-bench=id>`).

export const REACT_PLUGIN_GLOB = './plugins/*/index.tsx'

export const reactViteConfig = `import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({ plugins: [react()] })
`

/** main.ts: renders every plugin component into its panel, synchronously (flushSync), then says how many are active. */
export function reactMainSource(benchGlobals: string): string {
  return `import { createElement, type ComponentType } from 'react'
import { flushSync } from 'react-dom'
import { createRoot } from 'react-dom/client'
${benchGlobals}
const modules = import.meta.glob<{ default: ComponentType }>('${REACT_PLUGIN_GLOB}')
const paths = Object.keys(modules).sort()
Promise.all(paths.map((path) => modules[path]!())).then((loaded) => {
  loaded.forEach((module, i) => {
    const root = createRoot(panelFor(paths[i]!.split('/')[2]!))
    flushSync(() => root.render(createElement(module.default)))
  })
  bench.active = paths.length
  bench.ready = performance.timeOrigin + performance.now()
})
`
}

/** A plugin as a component module: Fast Refresh re-renders it with its state; each new version after the first counts as an update. */
export function reactPluginSource(id: string, version: number): string {
  return `import { useState } from 'react'
import { tag } from '../../shared/helper'
;(window as any).__bench.evaluatedAt = performance.timeOrigin + performance.now()

const id = ${JSON.stringify(id)}
const version = ${version}
const bench = (window as any).__bench
if (import.meta.hot) {
  if (import.meta.hot.data.loaded) bench.updates[id] = (bench.updates[id] ?? 0) + 1
  import.meta.hot.data.loaded = true
}

export default function Plugin() {
  const [count, setCount] = useState(0)
  return <p data-bench={id} onClick={() => setCount((n) => n + 1)}>{\`\${id} v\${version} \${tag} count \${count}\`}</p>
}
`
}
