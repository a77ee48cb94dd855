/**
 * The configuration snippets of snippets/nginx.snippets.json (the mTLS server, the client-cert
 * proxy, skeleton blocks…) offered as completions only where their top-level directives may
 * stand: each snippet declares its `contexts`, and test/service/snippetCompletion.test.ts
 * checks the declaration against the directive table. The server offers them (not the editor's
 * own snippet files, which know no context), so every LSP editor gets the same behaviour.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import snippetData from '../../../snippets/nginx.snippets.json';
import type { ContextKind } from '../directives/directiveTable';

export interface ConfigSnippet {
  /** Title, e.g. `mTLS server (terminate client certificates)`. */
  title: string;
  prefix: string[];
  /** Contexts the snippet may be inserted in. */
  contexts: ContextKind[];
  description: string;
  /** Lines in VS Code / LSP snippet syntax. */
  body: string[];
}

type SnippetFile = Record<string, { prefix: string[]; contexts: string[]; description: string; body: string[] }>;

export const CONFIG_SNIPPETS: readonly ConfigSnippet[] = Object.entries(snippetData as SnippetFile).map(([title, s]) => ({
  title, prefix: s.prefix, contexts: s.contexts as ContextKind[], description: s.description, body: s.body,
}));

/** Snippet items valid in `context`, replacing `range` (the word typed so far). */
export function snippetItems(context: ContextKind, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const snippet of CONFIG_SNIPPETS) {
    if (!snippet.contexts.includes(context)) continue;
    const body = snippet.body.join('\n');
    for (const prefix of snippet.prefix) {
      items.push({
        label: prefix,
        kind: CompletionItemKind.Snippet,
        detail: snippet.title,
        documentation: { kind: MarkupKind.Markdown, value: `${snippet.description}\n\n\`\`\`nginx\n${preview(body)}\n\`\`\`` },
        // After the directive of the same name (`server` the directive, then the skeleton).
        sortText: '2' + prefix,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: body },
      });
    }
  }
  return items;
}

/** The snippet as text with its placeholders' defaults, for the documentation popup. */
function preview(body: string): string {
  let text = body;
  for (let i = 0; i < 5; i++) text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  return text.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{?\d+\}?/g, '').replace(/\\\$/g, '$');
}
