/**
 * A problem the user can fix (bad flag, bad config, unreadable input). The CLI prints
 * its message as one line and exits 2; anything else is a bug and gets a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
