import { parseArgs } from 'node:util';

/** A mistake in how the command was called: one line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type OptionSpecs = Record<string, { type: 'string' | 'boolean' }>;

/** The options as given: strings, or true for flags; absent when not given. */
export type OptionValues<T extends OptionSpecs> = {
  [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
};

export interface Command<T extends OptionSpecs> {
  /** The npm script, e.g. `token`. */
  name: string;
  /** One line: how to call it. */
  usage: string;
  /** What it does, and each option, for `--help`. */
  help: string;
  options: T;
  /** Whether it takes arguments besides its options (e.g. a file); handed to `main` in order. */
  positionals?: boolean;
}

/** Throws a {@link UsageError}: the command prints it as one line and exits 2. */
export function fail(message: string): never {
  throw new UsageError(message);
}

/**
 * Runs a command-line tool: `--help`/`-h` prints its usage on stdout and exits 0; options it does
 * not know, a missing value or {@link fail} print one line on stderr and exit 2; any other error
 * prints its message (its stack with LOG_LEVEL=debug) and exits 1. The process ends on its own
 * (exit code set, no `process.exit`): output piped to `$(…)` is never cut short, and what the
 * command opened is closed on the way (errors unwind through its `finally` blocks).
 */
export function runCommand<T extends OptionSpecs>(
  command: Command<T>,
  main: (options: OptionValues<T>, positionals: string[]) => Promise<void>,
): void {
  const hint = `(npm run -s ${command.name} -- --help for usage)`;
  let values: OptionValues<T>;
  let positionals: string[];
  try {
    const argv = process.argv.slice(2);
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(`Usage: ${command.usage}\n\n${command.help.trim()}`);
      return;
    }
    const parsed = parseArgs({
      options: command.options,
      allowPositionals: command.positionals ?? false,
      args: argv,
    });
    values = parsed.values as OptionValues<T>;
    positionals = parsed.positionals;
  } catch (error) {
    console.error(`${command.name}: ${oneLine((error as Error).message)} ${hint}`);
    process.exitCode = 2;
    return;
  }
  main(values, positionals).catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${command.name}: ${oneLine(error.message)} ${hint}`);
      process.exitCode = 2;
      return;
    }
    const detailed = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
    console.error(
      detailed && error instanceof Error
        ? error.stack
        : `${command.name}: ${oneLine(error instanceof Error ? error.message : String(error))}`,
    );
    process.exitCode = 1;
  });
}

/** Node's messages for unknown options span lines ("… To specify a positional argument …"). */
function oneLine(message: string): string {
  return message.split('\n')[0].trim();
}
