import { formatTokens } from '../../server/src/service/formatting';

/**
 * The token stream as nginx reads it: types and values, whitespace ignored (comments compared
 * without trailing blanks, Lua bodies without the blanks that indent their closing brace).
 * Formatting must leave it unchanged.
 */
export function tokenKey(text: string): string[] {
  return formatTokens(text).map((t) => `${t.type}:${t.type === 'comment' ? t.value.trimEnd() : t.type === 'raw' ? t.value.replace(/[ \t\f\v\r]+$/, '') : t.value}`);
}
