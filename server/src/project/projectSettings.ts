/**
 * How the project file combines with what the user set elsewhere (editor settings that were
 * set explicitly, command-line options): those win. For `rules` and `pathMappings` they win
 * entry by entry (turning one more rule off keeps the project's other rule settings); the
 * `ignore` lists add up; any other value replaces the file's.
 */
import { isPlainObject } from '../service/settings';
import type { ProjectConfig } from './projectConfig';

/**
 * Raw settings (as normalizeSettings takes them): the project file's values under the
 * explicitly set ones. A key whose explicit value is undefined or null counts as not set.
 */
export function overlaySettings(project: ProjectConfig | undefined, explicit: unknown): Record<string, unknown> {
  const set = isPlainObject(explicit) ? explicit : {};
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(project ?? {})) if (value !== undefined) merged[key] = value;
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined || value === null) continue;
    const below = merged[key];
    if ((key === 'rules' || key === 'pathMappings') && isPlainObject(below) && isPlainObject(value)) merged[key] = { ...below, ...value };
    else if (key === 'ignore' && Array.isArray(below) && Array.isArray(value)) merged[key] = [...below, ...value];
    else merged[key] = value;
  }
  return merged;
}
