import fs from 'node:fs';

/** What a clock file holds: the instant it names, and when (real time) it was written. */
export interface ClockFile {
  /** The business instant at `setAt` (ISO 8601). */
  at: string;
  /** The real instant (ms since the epoch) the file was written: the clock runs on from `at`. */
  setAt: number;
}

/**
 * The server's clock: the real one, or — outside production, for rehearsals (`npm run drill`) —
 * one read from the file GUICHET_CLOCK_FILE names. The file holds `{"at": ISO, "setAt": ms}`:
 * the clock reads `at` plus the real time elapsed since `setAt`, so time still flows (ranks keep
 * their order) while a drill moves the calendar day by day. Only business dates follow it (booking
 * windows, roll calls, billing periods, jobs); tokens, idempotency keys and rate limits keep real
 * time. Production refuses to start with GUICHET_CLOCK_FILE set: a town's clock is never a file.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): () => Date {
  const file = env.GUICHET_CLOCK_FILE;
  if (!file) return () => new Date();
  if (env.NODE_ENV === 'production') {
    throw new Error('GUICHET_CLOCK_FILE is for rehearsals and tests: it must not be set in production.');
  }
  return fileClock(file);
}

/** A clock that follows `file`, read again whenever it changes (its mtime), else the real one. */
export function fileClock(file: string): () => Date {
  let seen = '';
  let offsetMs = 0;
  return () => {
    try {
      const stat = fs.statSync(file);
      // Each write renames a new file into place: a new inode, even within the same millisecond.
      const version = `${stat.ino}:${stat.mtimeMs}`;
      if (version !== seen) {
        const clock = JSON.parse(fs.readFileSync(file, 'utf8')) as ClockFile;
        const at = Date.parse(clock.at);
        if (!Number.isFinite(at) || !Number.isFinite(clock.setAt)) throw new Error('bad clock file');
        offsetMs = at - clock.setAt;
        seen = version;
      }
    } catch {
      // No file (yet), or one being written: the last instant read stands.
    }
    return new Date(Date.now() + offsetMs);
  };
}

/** Writes a clock file naming `at` from now on (atomically: the server never reads half a file). */
export function writeClockFile(file: string, at: Date): void {
  const body: ClockFile = { at: at.toISOString(), setAt: Date.now() };
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(body));
  fs.renameSync(temporary, file);
}
