/**
 * A read-only file system that reproduces how the corpus was staged for `nginx -t`: the
 * corpus run overlaid each source folder on a real Debian root, so besides the folder's own
 * files nginx saw Debian's /etc/nginx (fastcgi_params, proxy_params, mime.types…) and, for
 * the linuxserver sources, the de-`.sample`d defaults next to the proxy confs. Paths are
 * tried in order: the path itself, then each fallback layer; `x` is also found as `x.sample`.
 * Virtual files (wrappers) can be added on top.
 */
import * as path from 'node:path';
import { NodeFileSystem, type FileStat, type FileSystem } from '../../server/src/model/fileSystem';
import { CORPUS_DIR, corpusPath, type CorpusRecord } from './corpusData';

export interface Layer {
  /** Absolute path prefix. */
  from: string;
  /** Directories that stand in for `from`, in order. */
  to: string[];
}

/** Debian's /etc/nginx as installed by apt, and the linuxserver container defaults. */
export const DEFAULT_LAYERS: Layer[] = [
  { from: '/etc/nginx', to: [path.join(CORPUS_DIR, 'debian-nginx-common')] },
  { from: '/config/nginx', to: [path.join(CORPUS_DIR, 'linuxserver-docker-swag'), path.join(CORPUS_DIR, 'linuxserver-docker-baseimage-alpine-nginx/defaults/nginx')] },
];

/** The corpus run's view for one record: its folder at stage_at over Debian's files. */
export function layersFor(record: CorpusRecord): Layer[] {
  const stage = record.stage_at.replace(/\/$/, '');
  const below = DEFAULT_LAYERS
    .filter((l) => stage === l.from || stage.startsWith(l.from + '/'))
    .flatMap((l) => l.to.map((to) => to + stage.slice(l.from.length)));
  return [{ from: corpusPath(record.stage_root), to: below }, ...DEFAULT_LAYERS];
}

export class StagedFileSystem implements FileSystem {
  private readonly base = new NodeFileSystem();
  private readonly virtual = new Map<string, string>();

  constructor(private readonly layers: Layer[]) {}

  addVirtual(filePath: string, text: string): void {
    this.virtual.set(path.resolve(filePath), text);
  }

  private candidates(filePath: string): string[] {
    const p = path.resolve(filePath);
    const out = [p];
    for (const layer of this.layers) {
      if (p === layer.from || p.startsWith(layer.from + '/')) {
        const rel = p.slice(layer.from.length);
        for (const to of layer.to) out.push(to + rel);
      }
    }
    return out.flatMap((c) => [c, c + '.sample']);
  }

  async readText(filePath: string): Promise<string | undefined> {
    const v = this.virtual.get(path.resolve(filePath));
    if (v !== undefined) return v;
    for (const c of this.candidates(filePath)) {
      const st = await this.base.stat(c);
      if (st?.isFile) return this.base.readText(c);
    }
    return undefined;
  }

  async stat(filePath: string): Promise<FileStat | undefined> {
    const v = this.virtual.get(path.resolve(filePath));
    if (v !== undefined) return { isFile: true, isDirectory: false, size: v.length, mtimeMs: 0 };
    for (const c of this.candidates(filePath)) {
      const st = await this.base.stat(c);
      if (st) return st;
    }
    return undefined;
  }

  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    const names = new Set<string>();
    let found = false;
    for (const c of this.candidates(dirPath)) {
      if (c.endsWith('.sample')) continue;
      const entries = await this.base.readDirectory(c);
      if (!entries) continue;
      found = true;
      for (const e of entries) names.add(e.endsWith('.sample') ? e.slice(0, -'.sample'.length) : e);
    }
    return found ? [...names].sort() : undefined;
  }
}
