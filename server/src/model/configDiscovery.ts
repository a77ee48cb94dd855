/**
 * Finding nginx configuration files in folders, with the same name patterns the editor
 * contribution claims (nginx.conf, nginx*.conf, *.nginx, *.conf below nginx/ or conf.d/,
 * anything in sites-available/ or sites-enabled/), never every *.conf in the world.
 */
import * as path from 'node:path';
import type { FileSystem } from './fileSystem';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist']);

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

/** Walks a folder (breadth first, bounded) and returns the nginx-looking files, sorted. */
export async function discoverConfigs(fs: FileSystem, root: string, limits: DiscoveryLimits = { maxFiles: 20000, maxDepth: 12 }): Promise<string[]> {
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
        } else if (st.isFile && looksLikeNginxConfig(full)) {
          found.push(full);
        }
      }
    }
    queue = next;
  }
  return found.sort();
}
