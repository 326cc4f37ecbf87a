import { defineConfig } from 'vite'
import hotPlugins from 'vite-plugin-hot-plugins'

// A plugin project with its own dev server: the playground host (http://localhost:5173) lists it
// in its `remotes` and runs its plugins; a save here swaps them there, state kept.
export default defineConfig({
  plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts', expose: true })],
  server: { port: 5174, strictPort: true },
})
