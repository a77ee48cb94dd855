/** The rule documentation commands every LSP client can call (workspace/executeCommand). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServerCommands } from '../../common/protocol';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import { LspTestClient } from './lspClient';

describe('language server: rule documentation commands', () => {
  let dir: string;
  let client: LspTestClient;
  let advertised: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-explain-'));
    client = new LspTestClient();
    const init = await client.initialize(dir) as { capabilities?: { executeCommandProvider?: { commands?: string[] } } };
    advertised = init?.capabilities?.executeCommandProvider?.commands ?? [];
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises both commands', () => {
    assert.ok(advertised.includes(ServerCommands.explainRule), advertised.join(', '));
    assert.ok(advertised.includes(ServerCommands.listRules), advertised.join(', '));
  });

  it('answers explainRule with the bundled Markdown of the rule', async () => {
    const markdown = await client.request<string | null>('workspace/executeCommand', { command: ServerCommands.explainRule, arguments: ['tls.upstream-unverified'] });
    assert.equal(typeof markdown, 'string');
    assert.match(markdown as string, /^# tls\.upstream-unverified\n/);
    assert.match(markdown as string, /proxy_ssl_verify/);
    assert.match(markdown as string, /docs\/rules\.md#tlsupstream-unverified\)/);
    const unknown = await client.request<string | null>('workspace/executeCommand', { command: ServerCommands.explainRule, arguments: ['no.such-rule'] });
    assert.equal(unknown, null);
  });

  it('answers listRules with every rule code and title', async () => {
    const list = await client.request<{ code: string; title: string }[]>('workspace/executeCommand', { command: ServerCommands.listRules });
    assert.deepStrictEqual(list.map((r) => r.code), allRules().map((r) => r.code));
    assert.ok(list.every((r) => r.title.length > 0));
  });
});
