import react from '@vitejs/plugin-react'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import hotPlugins from 'vite-plugin-hot-plugins'

export default defineConfig({
  plugins: [react(), vue(), hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}' })],
  server: { port: 5173 },
})
