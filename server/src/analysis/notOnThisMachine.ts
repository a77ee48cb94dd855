/**
 * The finding for a file only the production host has (see model/knownLocations.ts): an
 * information that says what could not be checked and how to let it be checked, with a
 * quick fix that maps the production folder onto a local one.
 */
import { Commands } from '../../../common/protocol';
import { mappingPrefixFor } from '../model/knownLocations';
import type { Finding } from './finding';
import { settingHint, type Surface } from './settingHints';

export interface MissingHere {
  code: string;
  file: string;
  start: number;
  end: number;
  /** The path as written (absolute). */
  written: string;
  /** What would have been checked, e.g. "the certificate" or "what the included file sets". */
  unchecked: string;
  /** Where the finding is shown: the message names the CLI flag or the editor setting. */
  surface?: Surface;
  /** No fix is made when the finding is only reported (RuleContext.reportOnly). */
  reportOnly?: boolean;
}

export function notOnThisMachine(missing: MissingHere): Finding {
  const prefix = mappingPrefixFor(missing.written);
  return {
    code: missing.code,
    severity: 'information',
    file: missing.file,
    start: missing.start,
    end: missing.end,
    message: `"${missing.written}" is not on this machine, so ${missing.unchecked} was not checked. The path is outside the workspace and no path mapping covers it: only the production host may have it. `
      + `To check it, map ${prefix} onto a local copy with ${settingHint('pathMappings', missing.surface, `${prefix}=<local folder>`)}.`,
    fixes: missing.reportOnly ? undefined : [{
      title: `Map ${prefix} onto a local folder…`,
      safe: false,
      edits: [],
      // A client command: it asks for the folder and writes the workspace setting.
      command: { command: Commands.addPathMapping, arguments: [prefix] },
    }],
  };
}
