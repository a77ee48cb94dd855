/**
 * What the client does when its connection to the server reports an error, without the vscode
 * API so it can be tested in plain Node (see clientOptions.ts, which maps it to ErrorAction).
 *
 * A message that could not be written means the server's process is gone: over stdio every
 * message still on its way fails (EPIPE, then "write after a stream was destroyed") before the
 * close is seen, and a keystroke sends several. Counting those towards giving up shut the
 * client down, so the close that follows restarted nothing (the code-server e2e kills the
 * server while text is being typed). They are left to the close handler, which restarts within
 * its own budget. Errors reading what the server sends (a server writing garbage) still give up
 * after three.
 */
export const MAX_READ_ERRORS = 3;

export type ConnectionErrorAction = { action: 'continue' | 'shutdown'; handled: boolean };

export function connectionErrorAction(message: unknown, count: number | undefined): ConnectionErrorAction {
  if (message !== undefined) return { action: 'continue', handled: true };
  return { action: (count ?? 0) <= MAX_READ_ERRORS ? 'continue' : 'shutdown', handled: false };
}
