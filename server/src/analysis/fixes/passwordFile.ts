/**
 * The password file for an encrypted key that has none in effect: a file beside the key, named
 * like a password file, one of whose lines opens the key (tried the way nginx tries them, line
 * by line). The passphrases are read only to be handed to the key inspector; they never reach
 * a message, a title or a log.
 */
import { readRegularFileBounded } from '../../model/fileSystem';
import type { ConfigNode } from '../../model/configTree';
import type { Fix } from '../finding';
import type { RuleContext } from '../ruleContext';
import { filesBeside, writtenBeside } from './filesBeside';
import { insertAfter, quoteArg } from './textEdits';

const PASSWORD_LIKE = /(?:^|[._-])(?:pass|password|passphrase|passwd)(?:\.txt)?$/i;

/** At most this many lines are tried, as for the effective password file. */
const MAX_LINES = 64;

export async function passwordFileFix(context: RuleContext, keyNode: ConfigNode, keyWritten: string, keyResolved: string, directive: string): Promise<Fix | undefined> {
  for (const candidate of filesBeside(keyResolved, PASSWORD_LIKE)) {
    const read = readRegularFileBounded(candidate, 64 * 1024);
    if (!('bytes' in read)) continue;
    const passphrases = read.bytes.toString('utf8').split(/\r?\n/).filter((line) => line.length > 0).slice(0, MAX_LINES);
    if (passphrases.length === 0) continue;
    const key = (await context.inspect(keyResolved, { passphrases })).keys[0];
    if (key?.passphraseAccepted !== true) continue;
    const written = writtenBeside(keyWritten, candidate);
    return { title: `Read the passphrase from ${written} (${directive})`, safe: false, preferred: true, edits: [insertAfter(keyNode, [`${directive} ${quoteArg(written)};`])] };
  }
  return undefined;
}
