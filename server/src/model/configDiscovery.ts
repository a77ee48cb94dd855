/**
 * Finding nginx configuration files in folders, with the same name patterns the editor
 * contribution claims (nginx.conf, nginx*.conf, *.nginx, *.conf below nginx/ or conf.d/,
 * anything in sites-available/ or sites-enabled/), never every *.conf in the world.
 */
import * as path from 'node:path';
import type { FileSystem } from './fileSystem';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist']);

/** The name patterns above, for messages that explain why a folder gave nothing. */
export const DISCOVERY_PATTERNS = 'nginx.conf, nginx*.conf, *.nginx, *.conf under nginx/ or conf.d/, anything in sites-available/ or sites-enabled/';

export function looksLikeNginxConfig(filePath: string): boolean {
  const base = path.basename(filePath);
  const parts = filePath.split(path.sep);
  const parent = parts[parts.length - 2] ?? '';
  if (base === 'nginx.conf' || /^nginx.*\.conf$/.test(base) || base.endsWith('.nginx') || base.endsWith('.nginxconf')) return true;
  if (parent === 'sites-available' || parent === 'sites-enabled') return !base.startsWith('.');
  if (base.endsWith('.conf') && (parent === 'conf.d' || parts.slice(0, -1).includes('nginx'))) return true;
  return false;
}

export interface DiscoveryLimits {
  maxFiles: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: DiscoveryLimits = { maxFiles: 20000, maxDepth: 12 };

/** Walks a folder (breadth first, bounded) and returns the nginx-looking files, sorted. */
export function discoverConfigs(fs: FileSystem, root: string, limits: DiscoveryLimits = DEFAULT_LIMITS): Promise<string[]> {
  return walkFiles(fs, root, looksLikeNginxConfig, limits);
}

/**
 * The first `*.conf` file of a folder (in path order), wherever it is: when the name
 * patterns find nothing, it is the likeliest file the user meant, for the example in the message.
 */
export async function firstConfLikeFile(fs: FileSystem, root: string): Promise<string | undefined> {
  const files = await walkFiles(fs, root, (file) => file.endsWith('.conf'), { ...DEFAULT_LIMITS, maxFiles: 2000 });
  return files[0];
}

async function walkFiles(fs: FileSystem, root: string, accept: (filePath: string) => boolean, limits: DiscoveryLimits): Promise<string[]> {
  const found: string[] = [];
  let queue: string[] = [path.resolve(root)];
  let visited = 0;
  for (let depth = 0; depth <= limits.maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      const names = await fs.readDirectory(dir);
      if (!names) continue;
      for (const name of names.sort()) {
        if (++visited > limits.maxFiles) return found.sort();
        const full = path.join(dir, name);
        const st = await fs.stat(full);
        if (!st) continue;
        if (st.isDirectory) {
          if (!SKIP_DIRS.has(name) && !name.startsWith('.')) next.push(full);
        } else if (st.isFile && accept(full)) {
          found.push(full);
        }
      }
    }
    queue = next;
  }
  return found.sort();
}
