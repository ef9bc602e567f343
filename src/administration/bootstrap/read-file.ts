import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { BootstrapFile } from './bootstrap';

/**
 * A bootstrap file as written by people: YAML (`.yaml`, `.yml`) or JSON (`.json`, or anything
 * else). YAML 1.2 core schema: `2027-09-01` stays a string, as in JSON, and a duplicate key is an
 * error rather than silently the last one. Throws with the line and column of a syntax error.
 */
export async function readBootstrapFile(path: string): Promise<BootstrapFile> {
  const text = await readFile(path, 'utf8');
  let file: unknown;
  try {
    file = /\.ya?ml$/i.test(path) ? parse(text, { schema: 'core' }) : JSON.parse(text);
  } catch (error) {
    // YAML's messages show the line in context below the first line: the first line says where.
    throw new Error((error as Error).message.split('\n')[0].replace(/:$/, ''));
  }
  if (!file || typeof file !== 'object' || Array.isArray(file)) {
    throw new Error('the file must hold one object (tenant, facilities, …)');
  }
  return file as BootstrapFile;
}
