import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

/** The code block that follows `<!-- marker -->` in docs/editors.md: tests run or parse what the doc shows. */
export function documentedBlock(marker: string): string {
  const doc = readFileSync(path.join(REPO, 'docs/editors.md'), 'utf8');
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(doc);
  assert.ok(match, `docs/editors.md has a code block after <!-- ${marker} -->`);
  return match[1];
}
