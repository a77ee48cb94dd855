/**
 * Nodes re-parsed after an edit must not keep the whole new text alive: kept nodes from older
 * versions sit beside them, so views into each version's text would keep every version of the
 * file ever typed (parser/incrementalParse.ts, `detached`). Measured by the heap after full
 * collections, not by time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullGarbageCollection } from '../../server/src/node/idleCollector';
import { parseFile, parseStepOf, reparseFile, type ParsedFile } from '../../server/src/model/parsedFile';
import { benchLikeText } from './benchLikeText';

const nextJob = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function heapAfterCollection(collect: () => void): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

describe('incremental re-parse: memory', () => {
  it('keeps no earlier version of the text alive through the nodes it re-parsed', async () => {
    const collect = fullGarbageCollection();
    assert.ok(collect, 'a full collection is available');
    let text = benchLikeText(200);
    assert.ok(text.length > 100_000, `a text big enough to see: ${text.length} characters`);
    let parsed: ParsedFile = parseFile('/bench.conf', text);
    const lines = text.split('\n');
    // Long comment lines and long arguments (views are made for 13 characters or more).
    const comments = lines.flatMap((line, i) => (/^\s*#.{12,}/.test(line) ? [i] : []));
    const args = lines.flatMap((line, i) => (/^\s+[a-z_]+ \S{13,};$/.test(line) ? [i] : []));
    assert.ok(comments.length >= 20 && args.length >= 20, `${comments.length} comment lines, ${args.length} long arguments`);
    let incremental = 0;
    const edit = async (i: number): Promise<void> => {
      const line = i % 2 === 0 ? comments[(i * 7919) % comments.length] : args[(i * 104729) % args.length];
      // A character typed inside the comment, or inside the argument (before its `;`).
      lines[line] = i % 2 === 0 ? `${lines[line]}x` : lines[line].replace(/;$/, 'x;');
      text = lines.join('\n');
      parsed = reparseFile(parsed, text);
      if (parseStepOf(parsed)) incremental++;
      // A WeakRef (the step's link to the parse before) holds its target until the job ends; an
      // editor's edits arrive one job each.
      await nextJob();
    };
    // Edits before the measurement, so that what V8 keeps for the code it optimises (bytecode,
    // feedback, machine code) is in the heap already: in a full test run on a loaded machine it
    // once made the heap grow by 0.9 MB over the measured edits, against 0.3 MB alone.
    for (let i = 0; i < 40; i++) await edit(200 + i);
    const before = heapAfterCollection(collect);
    incremental = 0;
    for (let i = 0; i < 200; i++) await edit(i);
    assert.ok(incremental >= 190, `${incremental} of 200 edits were incremental`);
    const grown = heapAfterCollection(collect) - before;
    // 200 versions of a text this size would be ~200 x its size; one or two are allowed.
    assert.ok(grown < 3 * text.length * 2, `the heap grew by ${(grown / 1e6).toFixed(1)} MB over 200 edits of a ${(text.length / 1e3).toFixed(0)} kB text`);
    assert.equal(parsed.text, text);
  });
});
