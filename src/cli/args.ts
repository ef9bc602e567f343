import { parseArgs } from 'node:util';

/** Parses `--name value` options; unknown options are an error, with the usage printed. */
export function cliOptions<T extends Record<string, { type: 'string' | 'boolean' }>>(
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ options, allowPositionals: false }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\nUsage: ${usage}`);
    process.exit(2);
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
