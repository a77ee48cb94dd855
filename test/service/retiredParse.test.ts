/**
 * A parse made by re-parsing one block moves the kept nodes of the parse before it. An
 * analysis that was running on a tree of that older parse must not report findings that
 * mix the two versions: it is dropped (AnalysisCancelled), like a superseded check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisCancelled } from '../../server/src/analysis/analyzer';
import type { RuleFamily } from '../../server/src/analysis/ruleContext';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';

const MAIN = '/ws/etc/nginx/nginx.conf';
const TEXT = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n    }\n    server { listen 80; }\n}\n';

/** An analysis whose first rule run changes the main file to `edited` and re-reads it, as a keystroke would. */
function analysisEditedDuringRun(edited: string): WorkspaceAnalysis {
  const fs = new MemoryFileSystem({ [MAIN]: TEXT });
  let editDuringRun = true;
  const typist: RuleFamily = {
    name: 'typist',
    // A family with no rule switched on is not run: it borrows one rule's description.
    rules: RULE_FAMILIES[0].rules.slice(0, 1),
    run: async () => {
      if (editDuringRun) {
        editDuringRun = false;
        fs.write(MAIN, edited);
        await analysis.getParsed(MAIN);
      }
      return [];
    },
  };
  const analysis = new WorkspaceAnalysis({ fs, families: [typist] });
  return analysis;
}

describe('an analysis whose parse was moved under it', () => {
  it('is dropped when the file is re-parsed incrementally while the rules run', async () => {
    const analysis = analysisEditedDuringRun(TEXT.replace('listen 443 ssl;', 'listen 8443 ssl;'));
    await assert.rejects(analysis.analyzeFiles([MAIN], [MAIN]), AnalysisCancelled);
    // The next check sees the new text and completes.
    const result = await analysis.analyzeFiles([MAIN], [MAIN]);
    assert.equal(result.get(MAIN)?.file.text.includes('8443'), true);
  });

  it('completes when the text changes without moving its nodes (a whole parse)', async () => {
    // A statement at the top level: no block holds the edit, the file is parsed whole.
    const analysis = analysisEditedDuringRun('user nginx;\n' + TEXT);
    const result = await analysis.analyzeFiles([MAIN], [MAIN]);
    assert.equal(result.get(MAIN)?.file.text, TEXT);
  });
});
