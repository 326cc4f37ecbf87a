import react from '@vitejs/plugin-react'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import hotPlugins from 'vite-plugin-hot-plugins'

// The plugin project next door, playground-remote, lends its plugins when `pnpm dev` starts both
// (it sets PLAYGROUND_REMOTES=http://localhost:5174); alone, the playground runs its own.
const remotes = process.env.PLAYGROUND_REMOTES?.split(',').filter(Boolean) ?? []

export default defineConfig({
  plugins: [react(), vue(), hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}', remotes })],
  server: { port: 5173 },
})
