/**
 * Where the shared test data lives (the nginx -t corpus, the recorded transcripts): the
 * `shared/` folder beside the repository clone, as CI lays it out, or /work/shared on the
 * development machine. An environment variable given by the caller wins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests are compiled to out/test/). */
const REPO_ROOT = path.resolve(__dirname, '../..');

export function sharedDataPath(relative: string, override?: string): string {
  if (override) return override;
  const beside = path.resolve(REPO_ROOT, '../shared', relative);
  return fs.existsSync(beside) ? beside : path.join('/work/shared', relative);
}
