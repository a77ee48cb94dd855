/** Messages name the flag or the setting of the surface that shows them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingHint } from '../../server/src/analysis/settingHints';
import { DEFAULT_SETTINGS } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';

describe('settingHint', () => {
  it('names the CLI flag on the command line and the setting in the editor', () => {
    assert.equal(settingHint('targetVersion', 'cli'), '--target-version <x.y.z>');
    assert.equal(settingHint('targetVersion', 'editor'), 'the nginxMtls.targetVersion setting');
    assert.equal(settingHint('mainConfig', 'cli'), '--main <nginx.conf>');
    assert.equal(settingHint('rules'), 'the nginxMtls.rules setting');
  });

  it('shows an example as the flag value or as the setting JSON', () => {
    assert.equal(settingHint('pathMappings', 'cli', '/etc/nginx=<local folder>'), '--map /etc/nginx=<local folder>');
    assert.equal(settingHint('pathMappings', 'editor', '/etc/nginx=<local folder>'), 'the nginxMtls.pathMappings setting, e.g. {"/etc/nginx": "<local folder>"}');
    assert.equal(settingHint('targetVersion', 'editor', '1.22.1'), 'the nginxMtls.targetVersion setting, e.g. "1.22.1"');
  });

  it('reaches rule messages through the analysis surface', async () => {
    const text = 'events {}\nhttp { http2 on; }\n';
    const messageOn = async (surface: 'cli' | 'editor' | undefined): Promise<string> => {
      const analysis = new WorkspaceAnalysis({ fs: new MemoryFileSystem({ '/c/nginx.conf': text }), settings: { ...DEFAULT_SETTINGS, targetVersion: '1.22.1' }, surface });
      const result = await analysis.analyzeFiles(['/c/nginx.conf'], ['/c/nginx.conf']);
      const finding = result.get('/c/nginx.conf')?.findings.find((f) => f.code === 'nginx.unknown-directive');
      assert.ok(finding);
      return finding.message;
    };
    const cli = await messageOn('cli');
    assert.match(cli, /the target version is 1\.22\.1 \(change it with --target-version <x\.y\.z>\)/);
    assert.doesNotMatch(cli, /nginxMtls\./);
    assert.match(await messageOn('editor'), /\(change it with the nginxMtls\.targetVersion setting\)/);
    assert.match(await messageOn(undefined), /nginxMtls\.targetVersion/);
  });
});
