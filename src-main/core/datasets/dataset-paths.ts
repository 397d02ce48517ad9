/**
 * Pure path arithmetic for the dataset readers (core may not import node:path). Paths come out
 * normalized with `/` separators; Windows paths (`C:\…`, `\\server\…`) are recognized by their root, and
 * then `\` counts as a separator too (Node on Windows accepts `/`). A POSIX `\` stays part of a name.
 */

interface ParsedPath {
  /** '' (relative), '/', 'C:/' or '//server/'. */
  root: string
  windows: boolean
  parts: string[]
}

const WINDOWS_ROOT = /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/]+[\\/])/

function parse(path: string, windowsHint = false): ParsedPath {
  const match = WINDOWS_ROOT.exec(path)
  const windows = match !== null || windowsHint
  let root = ''
  let rest = path
  if (match !== null) {
    root = match[0].replace(/\\/g, '/')
    rest = path.slice(match[0].length)
  } else if (path.startsWith('/') || (windows && path.startsWith('\\'))) {
    root = '/'
    rest = path.slice(1)
  }
  const parts = rest.split(windows ? /[\\/]+/ : /\/+/).filter((p) => p !== '' && p !== '.')
  return { root, windows, parts }
}

function collapse(parts: readonly string[], absolute: boolean): string[] {
  const out: string[] = []
  for (const part of parts) {
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!absolute) out.push('..')
    } else {
      out.push(part)
    }
  }
  return out
}

export function isAbsolutePath(path: string): boolean {
  return parse(path).root !== ''
}

/** `path` resolved against the absolute folder `base` (or `path` itself when absolute), normalized. */
export function resolvePath(base: string, path: string): string {
  const b = parse(base)
  const p = parse(path, b.windows)
  const { root, parts } = p.root !== '' ? p : { root: b.root, parts: [...b.parts, ...p.parts] }
  const joined = collapse(parts, root !== '').join('/')
  return root + joined || '.'
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`
}

export function dirnameOf(path: string): string {
  const { root, parts } = parse(path)
  return parts.length <= 1 ? root || '.' : root + parts.slice(0, -1).join('/')
}

export function basenameOf(path: string): string {
  const { parts } = parse(path)
  return parts[parts.length - 1] ?? ''
}

/** Lower-case extension without the dot ('' when none). */
export function extensionOf(path: string): string {
  const name = basenameOf(path)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

export function stemOf(path: string): string {
  const name = basenameOf(path)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/** `path` relative to the folder `from` when inside it, else `path` unchanged. Both normalized. */
export function relativeTo(from: string, path: string): string {
  const prefix = from.endsWith('/') ? from : `${from}/`
  return path.startsWith(prefix) ? path.slice(prefix.length) : path
}

/**
 * Ultralytics' `img2label_paths`: the LAST `/images/` component becomes `/labels/` and the extension
 * becomes `.txt`; an image path without an `images` folder keeps its label beside the image.
 */
export function labelPathFor(imagePath: string): string {
  const marker = '/images/'
  const at = imagePath.lastIndexOf(marker)
  const swapped =
    at < 0 ? imagePath : `${imagePath.slice(0, at)}/labels/${imagePath.slice(at + marker.length)}`
  const dot = swapped.lastIndexOf('.')
  return `${dot > swapped.lastIndexOf('/') ? swapped.slice(0, dot) : swapped}.txt`
}
