/**
 * The documentation of each rule, cut from docs/rules.md (embedded at build time), and its
 * rendering for a terminal: `nginx-mtls explain <code>` shows the same text as the docs page.
 */
import { RULES_MARKDOWN } from './rulesMarkdown.generated';

/**
 * The sections of `markdown` keyed by the rule code their `### ` heading starts with. A
 * section runs to the next heading or anchor outside a code block. A heading that adds words
 * after the code (`### nginx.directive-not-allowed quick fix: …`) is more about the same rule
 * and is appended to its section, heading included; the section's own heading is left out
 * (whoever shows it names the rule).
 */
export function ruleSections(markdown: string, codes: readonly string[]): Map<string, string> {
  const known = new Set(codes);
  const own = new Map<string, string[]>();
  const more = new Map<string, string[]>();
  let current: string[] | undefined;
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && (line.startsWith('#') || line.startsWith('<a id='))) {
      current = undefined;
      const heading = /^### (\S+)(.*)$/.exec(line);
      if (heading && known.has(heading[1])) {
        const store = heading[2].trim() === '' ? own : more;
        current = store.get(heading[1]) ?? [];
        store.set(heading[1], current);
        if (store === more) current.push('', line);
      }
      continue;
    }
    current?.push(line);
  }
  const sections = new Map<string, string>();
  for (const code of new Set([...own.keys(), ...more.keys()])) {
    sections.set(code, [...(own.get(code) ?? []), ...(more.get(code) ?? [])].join('\n').trim());
  }
  return sections;
}

/**
 * Markdown made readable as plain text: headings and bold lose their marks, links to other
 * sections keep their words, code blocks lose their fences and are indented.
 */
export function markdownForTerminal(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) { inFence = !inFence; continue; }
    if (inFence) { out.push(`    ${line}`); continue; }
    out.push(line
      .replace(/^#+\s*/, '')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/\[([^\]]+)\]\(#[^)]*\)/g, '$1'));
  }
  return out.join('\n');
}

let cache: Map<string, string> | undefined;

/** The embedded documentation of one rule, as markdown, if docs/rules.md has a section for it. */
export function ruleDoc(code: string, codes: readonly string[]): string | undefined {
  cache ??= ruleSections(RULES_MARKDOWN, codes);
  return cache.get(code);
}
