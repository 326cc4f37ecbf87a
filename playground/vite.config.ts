import preact from '@preact/preset-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import react from '@vitejs/plugin-react'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import hotPlugins from 'vite-plugin-hot-plugins'
import solid from 'vite-plugin-solid'

// Three JSX frameworks in one app: each plugin's folder goes to one of them (its files also name
// their JSX runtime with a `@jsxImportSource` comment, for `tsc`).
const solidFiles = /\/src\/plugins\/solid-[^/]+\/.*\.tsx$/
const preactFiles = /\/src\/plugins\/preact-[^/]+\/.*\.tsx$/

// The plugin project next door, playground-remote, lends its plugins when `pnpm dev` starts both
// (it sets PLAYGROUND_REMOTES=http://localhost:5174); alone, the playground runs its own.
const remotes = process.env.PLAYGROUND_REMOTES?.split(',').filter(Boolean) ?? []

export default defineConfig({
  plugins: [
    react({ exclude: [/\/node_modules\//, solidFiles, preactFiles] }),
    vue(),
    svelte({ configFile: false }),
    solid({ include: solidFiles }),
    // `babel: {}` keeps Preact's JSX transform to its own files (without it, it would set the JSX
    // runtime of the whole app); the React aliases would turn the React plugin's imports into Preact's.
    preact({ include: preactFiles, babel: {}, reactAliasesEnabled: false }),
    hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}', remotes }),
  ],
  server: { port: 5173 },
})
