/**
 * Which paths named by a configuration this machine can answer for. A configuration copied
 * into a repository still names files of the host it runs on (/etc/letsencrypt/live/…):
 * when such a file is missing here, that says nothing about the host, so it is unknown
 * rather than wrong. A path is known when it is the project's own (relative to the conf
 * prefix, inside a known root, or mapped onto a local folder), or when the configuration
 * checked is the live configuration of this machine, whose absolute paths are real.
 */
import * as path from 'node:path';
import { resolveConfigPathVia, type ConfigTree, type PathResolver, includeOf } from './configTree';
import { nodesNamed } from './treeIndexes';

/**
 * Where packaged nginx builds keep their configuration (Debian/Ubuntu/RHEL/Alpine, the
 * source build's default prefix, FreeBSD and Homebrew on Intel, Homebrew on Apple silicon,
 * OpenResty). A config read from one of these is the machine's own.
 */
const SYSTEM_CONF_DIRS = [
  '/etc/nginx',
  '/usr/local/nginx/conf',
  '/usr/local/etc/nginx',
  '/opt/homebrew/etc/nginx',
  '/usr/local/openresty/nginx/conf',
];

export interface KnownLocations {
  /** False when `written` names a file outside the project that only the production host can have. */
  isKnownLocation(written: string): boolean;
}

/** True when `child` is `parent` or lies below it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  // By segment: a folder named "..cache" inside `parent` is inside.
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/**
 * The known locations of one configuration tree. `roots` are the project's folders (the
 * workspace folders, or the folders and files the CLI was given); the conf prefix always
 * counts, since relative paths land there. `loadedByNginx: false` marks a file that no main
 * configuration includes: even on the host, nginx never opens what it names.
 */
export function knownLocations(tree: ConfigTree, resolver: PathResolver, roots: readonly string[], options: { loadedByNginx?: boolean } = {}): KnownLocations {
  const allRoots = [...roots, resolver.confDir].map((r) => path.resolve(r));
  let live: boolean | undefined;
  return {
    isKnownLocation(written: string): boolean {
      const resolved = resolveConfigPathVia(written, resolver);
      if (resolved.via !== 'as-written') return true;
      if (allRoots.some((root) => isInside(resolved.path, root))) return true;
      live ??= options.loadedByNginx !== false && isLiveConfig(tree, resolver);
      return live;
    },
  };
}

/**
 * True when the tree is the configuration of this machine, at the place nginx reads it: its
 * main file is in a system configuration folder (checking /etc/nginx on the host), or it
 * includes its own files by their absolute paths, as written (a config at its production path).
 */
export function isLiveConfig(tree: ConfigTree, resolver: PathResolver): boolean {
  const confDir = path.resolve(resolver.confDir);
  if (SYSTEM_CONF_DIRS.some((dir) => isInside(path.resolve(tree.mainFile), dir))) return true;
  return nodesNamed(tree.nodes, 'include').some((node) => {
    const pattern = includeOf(node)?.pattern;
    if (!pattern || !path.isAbsolute(pattern)) return false;
    const resolved = resolveConfigPathVia(pattern, resolver);
    return resolved.via === 'as-written' && isInside(resolved.path, confDir);
  });
}

/**
 * The production folder to map for a file that is not on this machine: the shortest parent
 * that is more specific than a system-wide folder (/etc/letsencrypt for
 * /etc/letsencrypt/live/site/fullchain.pem, /etc/nginx for /etc/nginx/ssl/a.crt), so one
 * mapping serves every file the host keeps there.
 */
export function mappingPrefixFor(absolutePath: string): string {
  const parts = path.normalize(absolutePath).split('/').filter((s) => s.length > 0);
  const dirs = parts.slice(0, -1);
  for (let take = 1; take <= dirs.length; take++) {
    const prefix = '/' + dirs.slice(0, take).join('/');
    if (!SYSTEM_WIDE_DIRS.has(prefix)) return prefix;
  }
  return '/' + dirs.join('/');
}

/** Folders that hold many unrelated things; a mapping of one of these would be too broad. */
const SYSTEM_WIDE_DIRS = new Set([
  '/etc', '/usr', '/usr/local', '/usr/local/etc', '/usr/share', '/usr/local/share', '/var', '/var/lib',
  '/opt', '/srv', '/home', '/root', '/run', '/mnt', '/data', '/opt/homebrew', '/opt/homebrew/etc',
]);
