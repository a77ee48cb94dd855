// Number formatting shared by the benchmark's tables.

export const fmtMs = (ms) => (ms === undefined || Number.isNaN(ms) ? 'n/a' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
export const fmtMb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
export const fmtBytesMb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MB`);
/** `a` as a multiple of `b`, two significant digits. */
export const times = (a, b) => (a === undefined || !b ? 'n/a' : `${Number((a / b).toPrecision(2))}x`);
/**
 * A statistic from lspSessions: the median session's value and, over several sessions, their
 * range in the same unit (`scale` turns the raw value into the number fmt shows: 1024 for KB → MB).
 */
export const fmtPicked = (picked, fmt = fmtMs, scale = 1) => {
  if (picked?.value === undefined) return 'n/a';
  if (picked.min === picked.max) return fmt(picked.value);
  return `${fmt(picked.value)} (${(picked.min / scale).toFixed(0)}–${(picked.max / scale).toFixed(0)})`;
};
