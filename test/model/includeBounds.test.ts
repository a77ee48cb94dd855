/**
 * Include expansion does bounded work whatever the files: a cycle is one error at its include
 * and is not followed, however many chains reach it; a tree that expands past INCLUDE_BUDGET
 * is reported once and the rest not followed; every file is read and parsed once per build.
 * The assertions count work (files expanded, reads, problems), never time.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { INCLUDE_BUDGET, type ConfigTree } from '../../server/src/model/configTree';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { REPO_ROOT } from '../analysis/rules/mtlsRuleHelpers';

const ROOT = '/ws/etc/nginx';
const MAIN = `${ROOT}/nginx.conf`;

/** A memory file system that counts reads per file. */
class CountingFileSystem extends MemoryFileSystem {
  readonly reads = new Map<string, number>();

  override async readText(filePath: string): Promise<string | undefined> {
    this.reads.set(filePath, (this.reads.get(filePath) ?? 0) + 1);
    return super.readText(filePath);
  }
}

async function build(files: Record<string, string>): Promise<{ tree: ConfigTree; fs: CountingFileSystem; analysis: WorkspaceAnalysis }> {
  const fs = new CountingFileSystem(files);
  const analysis = new WorkspaceAnalysis({ fs });
  const tree = await analysis.buildTree(MAIN);
  return { tree, fs, analysis };
}

/** The issue's shape: main includes conf.d/*.conf, and `looping` of those files include conf.d/*.conf again. */
function maskLoop(files: number, looping: number): Record<string, string> {
  const out: Record<string, string> = { [MAIN]: 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n' };
  for (let i = 0; i < files; i++) {
    out[`${ROOT}/conf.d/f${i}.conf`] = `${i < looping ? 'include conf.d/*.conf;\n' : ''}map $host $v${i} { default ${i}; }\n`;
  }
  return out;
}

function codes(tree: ConfigTree, code: string): number {
  return tree.problems.filter((p) => p.code === code).length;
}

describe('include cycles and the expansion budget', () => {
  for (const [files, looping] of [[3, 3], [6, 6], [8, 8], [8, 3], [400, 1], [400, 400]]) {
    it(`${files} files under conf.d/*.conf, ${looping} of them including conf.d/*.conf again: each file expanded once, one cycle error per looping include`, async () => {
      const { tree, fs } = await build(maskLoop(files, looping));
      // The main file and each conf.d file once: the looping includes splice nothing.
      assert.equal(tree.expansion.files, files + 1);
      assert.equal(codes(tree, 'nginx.include-cycle'), looping);
      const cycles = tree.problems.filter((p) => p.code === 'nginx.include-cycle');
      assert.equal(new Set(cycles.map((p) => `${p.file}@${p.start}`)).size, looping, 'one error per include statement');
      for (const [file, count] of fs.reads) assert.equal(count, 1, `${file} read ${count} times`);
    });
  }

  it('a cycle through two folders (a/* includes b/*, b/* includes a/*): bounded by files², each include reported once', async () => {
    const n = 30;
    const files: Record<string, string> = { [MAIN]: 'events {}\nhttp {\n    include a/*.conf;\n}\n' };
    for (let i = 0; i < n; i++) {
      files[`${ROOT}/a/a${i}.conf`] = 'include b/*.conf;\n';
      files[`${ROOT}/b/b${i}.conf`] = 'include a/*.conf;\n';
    }
    const { tree, fs } = await build(files);
    // main, n a-files, and under each of them n b-files whose include closes the cycle.
    assert.equal(tree.expansion.files, 1 + n + n * n);
    assert.equal(codes(tree, 'nginx.include-cycle'), n, 'each b-file include once, not once per chain');
    for (const [file, count] of fs.reads) assert.equal(count, 1, `${file} read ${count} times`);
  });

  it('past the budget of included files: one information finding at the include, nothing expanded after it', async () => {
    // 150 files each including the same 150 files: 22,650 file instances.
    const files: Record<string, string> = { [MAIN]: 'events {}\nhttp {\n    include a/*.conf;\n}\n' };
    for (let i = 0; i < 150; i++) {
      files[`${ROOT}/a/a${i}.conf`] = 'include b/*.conf;\n';
      files[`${ROOT}/b/b${i}.conf`] = `map $host $v${i} { default ${i}; }\n`;
    }
    const { tree, fs, analysis } = await build(files);
    assert.equal(tree.expansion.files, INCLUDE_BUDGET.files);
    assert.equal(codes(tree, 'nginx.include-budget'), 1);
    for (const [file, count] of fs.reads) assert.equal(count, 1, `${file} read ${count} times`);
    const problem = tree.problems.find((p) => p.code === 'nginx.include-budget')!;
    const result = await analysis.analyzeFiles([problem.file], [MAIN]);
    const finding = result.get(problem.file)!.findings.find((f) => f.code === 'nginx.include-budget');
    assert.equal(finding?.severity, 'information', 'the tool could not check: not an error');
  });

  it('past the budget of statements: one finding, the statements counted stay within it', async () => {
    // 40 files of 60,000 statements each: 2.4 million.
    const big = 'a b;\n'.repeat(60_000);
    const files: Record<string, string> = { [MAIN]: 'events {}\nhttp {\n    include big/*.conf;\n}\n' };
    for (let i = 0; i < 40; i++) files[`${ROOT}/big/f${i}.conf`] = big;
    const { tree } = await build(files);
    assert.equal(codes(tree, 'nginx.include-budget'), 1);
    assert.ok(tree.expansion.statements <= INCLUDE_BUDGET.statements, `${tree.expansion.statements} statements`);
    assert.equal(tree.expansion.files, 1 + 33, 'the files that fit (33 × 60,000 + 4 < 2 million), then none');
  });

  it('a 400-file folder nobody loops through: every file expanded, no problem (false-positive guard)', async () => {
    const { tree } = await build(maskLoop(400, 0));
    assert.equal(tree.expansion.files, 401);
    assert.deepEqual(tree.problems, []);
  });

  it('editing a file of a tree with a cycle gives the same problems as a fresh build', async () => {
    const { fs, analysis } = await build(maskLoop(4, 2));
    fs.write(`${ROOT}/conf.d/f3.conf`, 'include conf.d/*.conf;\n');
    const rebuilt = await analysis.buildTree(MAIN);
    const fresh = await new WorkspaceAnalysis({ fs }).buildTree(MAIN);
    assert.deepEqual(rebuilt.problems.map((p) => `${p.file}@${p.start} ${p.code}`).sort(), fresh.problems.map((p) => `${p.file}@${p.start} ${p.code}`).sort());
    assert.equal(codes(rebuilt, 'nginx.include-cycle'), 3);
    assert.deepEqual(rebuilt.expansion, fresh.expansion);
  });
});

describe('nginx.include-cycle fixtures (folders: bad* report it, good*/fp* do not)', () => {
  const dir = path.join(REPO_ROOT, 'test/fixtures/rules/nginx.include-cycle');
  for (const name of fs.readdirSync(dir).sort()) {
    it(name, async () => {
      const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem() });
      const main = path.join(dir, name, 'nginx.conf');
      const tree = await analysis.buildTree(main);
      const cycles = tree.problems.filter((p) => p.code === 'nginx.include-cycle');
      if (name.startsWith('bad')) assert.equal(cycles.length, 1, JSON.stringify(tree.problems));
      else assert.deepEqual(tree.problems, []);
    });
  }
});
