/**
 * Messages for problems that nginx itself refuses start with a fixed phrase and then
 * nginx's own words (as `nginx -t` prints them), so the user can tell at a glance that
 * the configuration will not load, and can search nginx's error output for the same text.
 */
export const NGINX_REFUSES = 'nginx rejects this:';

/**
 * The same finding in a file that no main configuration loads and whose context was guessed:
 * `nginx -t` passes today (it never reads the file), so the message says when nginx would
 * refuse it instead of claiming that it does.
 */
export const NGINX_WOULD_REFUSE = 'nginx would reject this once a configuration includes this file:';

export function asNotLoaded(message: string): string {
  return message.startsWith(NGINX_REFUSES) ? NGINX_WOULD_REFUSE + message.slice(NGINX_REFUSES.length) : message;
}

export function nginxRefuses(nginxWording: string, explanation?: string): string {
  return explanation ? `${NGINX_REFUSES} ${nginxWording}. ${explanation}` : `${NGINX_REFUSES} ${nginxWording}`;
}

/** Levenshtein distance with an early exit above `limit`. */
export function editDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** The closest known name within two edits, if any. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate, 2);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
