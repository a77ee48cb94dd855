import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { complete, type CompletionOptions } from '../../server/src/service/completion';

export const table = getDirectiveTable();

export function completionOptions(overrides: Partial<CompletionOptions> = {}): CompletionOptions {
  return { table, rootContext: 'main', targetVersion: '1.30.0', confDir: '/etc/nginx', upstreamNames: ['backend', 'mtls_backend'], ...overrides };
}

/** Completes at the `|` in `text`. */
export async function completeAt(text: string, overrides: Partial<CompletionOptions> = {}): Promise<{ items: CompletionItem[]; labels: string[] }> {
  const offset = text.indexOf('|');
  const file = parseFile('/etc/nginx/nginx.conf', text.slice(0, offset) + text.slice(offset + 1));
  const items = await complete(file, offset, completionOptions(overrides));
  return { items, labels: items.map((i) => i.label) };
}

export function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no completion "${label}" among ${JSON.stringify(items.map((i) => i.label).slice(0, 40))}`);
  return found;
}
