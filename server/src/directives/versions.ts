/** Numeric comparison of dotted nginx versions ("1.25.1" < "1.27.2"); missing parts count as 0. */
const parsed = new Map<string, number[]>();

function parts(version: string): number[] {
  let result = parsed.get(version);
  if (!result) {
    result = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(version, result);
  }
  return result;
}

export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** True when `version` is at least `minimum`. */
export function atLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
