import { defineConfig } from 'vite'
import hotPlugins from 'vite-plugin-hot-plugins'

export default defineConfig({
  plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' })],
  server: { port: 5173 },
})
