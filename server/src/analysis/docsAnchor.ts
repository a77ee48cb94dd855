/**
 * The fragment GitHub gives a Markdown heading, so that links to docs/rules.md (diagnostics'
 * code descriptions, SARIF helpUri, `nginx-mtls rules --format json`) land on the rule's own
 * `### <code>` heading. GitHub lowercases the heading text, drops every character that is not
 * a letter, digit, mark, connector (`_`), space or `-`, turns each space into `-`, and numbers
 * repeats (`x`, `x-1`, `x-2`, …): `tls.upstream-unverified` becomes `tlsupstream-unverified`.
 */

export function githubHeadingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every heading of `markdown` (outside fenced code) with the anchor GitHub gives it, in order. */
export function headingAnchors(markdown: string): { heading: string; anchor: string }[] {
  const seen = new Map<string, number>();
  const result: { heading: string; anchor: string }[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      continue;
    }
    if (fence) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = githubHeadingAnchor(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.push({ heading, anchor: count === 0 ? base : `${base}-${count}` });
  }
  return result;
}
