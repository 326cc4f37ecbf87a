import { readFile } from 'node:fs/promises'
import path from 'node:path'

// The ```ts and ```tsx blocks of a README, and how the consumer test checks each one
// (documented in the README, "README code is tested"):
// - a block whose first line is a comment naming a path (`// src/main.ts`, `// vite.config.ts: …`)
//   is a file of the app: written into it, type-checked and run;
// - any other block is a fragment: type-checked as a module of its own;
// - an HTML comment right before a block overrides that: `<!-- readme-check: fragment … -->`
//   checks a block that names a path as a fragment, `<!-- readme-check: skip (why) -->` leaves it
//   out, and must say why.

export type BlockCheck = 'file' | 'fragment' | 'skip'

export interface ReadmeBlock {
  readme: string
  /** 1-based line of the opening fence. */
  line: number
  lang: 'ts' | 'tsx'
  check: BlockCheck
  /** For a file: its path in the app. */
  file?: string
  code: string
}

const MARKER = /<!--\s*readme-check:\s*(fragment|skip)\b([^>]*)-->\s*$/
const PATH_COMMENT = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.(?:ts|tsx|mts|js|d\.ts))(?::.*)?$/

export function parseReadmeBlocks(readme: string, text: string): ReadmeBlock[] {
  const lines = text.split('\n')
  const blocks: ReadmeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!)
    if (!fence) continue
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end < 0) throw new Error(`${readme}:${i + 1}: a code block is never closed`)
    const lang = fence[1]
    const code = `${lines.slice(i + 1, end).join('\n')}\n`
    if (lang === 'ts' || lang === 'tsx') {
      const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? ''
      const marker = MARKER.exec(previous)
      const file = PATH_COMMENT.exec(code.split('\n')[0]!)?.[1]
      let check: BlockCheck = file ? 'file' : 'fragment'
      if (marker) {
        check = marker[1] as BlockCheck
        if (check === 'skip' && !/\w/.test(marker[2]!)) throw new Error(`${readme}:${i + 1}: readme-check: skip must say why`)
      }
      blocks.push({ readme, line: i + 1, lang, check, file: check === 'file' ? file : undefined, code })
    }
    i = end
  }
  return blocks
}

export async function readReadmeBlocks(repoRoot: string, readme: string): Promise<ReadmeBlock[]> {
  return parseReadmeBlocks(readme, await readFile(path.join(repoRoot, readme), 'utf8'))
}
