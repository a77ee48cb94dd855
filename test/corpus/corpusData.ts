/** Reading the shared nginx -t corpus: nginx-t.json records joined with manifest.json staging. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContextKind } from '../../server/src/directives/directiveTable';
import { sharedDataPath } from '../sharedData';

export const CORPUS_DIR = sharedDataPath('corpus', process.env.NGINX_CORPUS_DIR);

export interface Stub {
  /** Absent for definitions (a log_format, a variable) the run added to its wrapper. */
  path?: string;
  kind: string;
  directive?: string;
}

export interface CorpusRecord {
  file: string;
  accepted: boolean;
  context: string;
  error: string | null;
  error_class: string | null;
  stubs: Stub[];
  hosts_added: unknown[];
  users_added: unknown[];
  role?: string;
  /** From manifest.json: the directory the source is designed to live in. */
  stage_at: string;
  /** From manifest.json: the corpus folder staged at stage_at. */
  stage_root: string;
}

export interface Corpus {
  how: string;
  modules_loaded: string[];
  records: CorpusRecord[];
}

export function corpusAvailable(): boolean {
  return fs.existsSync(path.join(CORPUS_DIR, 'nginx-t.json')) && fs.existsSync(path.join(CORPUS_DIR, 'manifest.json'));
}

export function loadCorpus(): Corpus {
  const results = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'nginx-t.json'), 'utf8')) as {
    how: string; modules_loaded: string[]; results: Omit<CorpusRecord, 'stage_at' | 'stage_root'>[];
  };
  const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as {
    files: { file: string; stage_at: string; stage_root: string }[];
  };
  const staging = new Map(manifest.files.map((f) => [f.file, f]));
  const records = results.results.map((r) => {
    const s = staging.get(r.file);
    return { ...r, stage_at: s?.stage_at ?? path.dirname(r.file), stage_root: s?.stage_root ?? path.dirname(r.file) };
  });
  return { how: results.how, modules_loaded: results.modules_loaded, records };
}

/** Our context kind for a recorded context (`main (+events{})` is a main file checked with an added events{}). */
export function contextKind(recorded: string): ContextKind {
  switch (recorded) {
    case 'main':
    case 'main (+events{})':
      return 'main';
    case 'http': return 'http';
    case 'server': return 'server';
    case 'location': return 'location';
    case 'stream': return 'stream';
    case 'events': return 'events';
    default: throw new Error(`unknown recorded context "${recorded}"`);
  }
}

export function corpusPath(file: string): string {
  return path.join(CORPUS_DIR, file);
}

/** A path argument as the configuration wrote it (quotes removed) from a finding's range. */
export function writtenPath(text: string, start: number, end: number): string {
  return text.slice(start, end).replace(/^["']|["']$/g, '');
}

/**
 * True when the corpus run stubbed the file a directive names (`written`, as in the
 * configuration) so that nginx -t could pass: an include target, a certificate, a key.
 */
export function stubbedByCorpusRun(record: CorpusRecord, written: string): boolean {
  const stage = record.stage_at.replace(/\/$/, '');
  const absolute = path.isAbsolute(written) ? path.normalize(written) : path.join(stage, written);
  const tail = '/' + written.replace(/^\.\//, '');
  return record.stubs.some((s) => s.path !== undefined && (path.normalize(s.path) === absolute || s.path.endsWith(tail)));
}
