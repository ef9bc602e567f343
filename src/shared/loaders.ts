import DataLoader from 'dataloader';
import type { Page } from './pagination';

/** Helpers that put a batch query's rows back in the order DataLoader asked for them. */
export function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id) ?? null);
}

export function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
}

/**
 * Batches a per-parent connection (a family's invoices for every family of a page): the keys that
 * share the same arguments are fetched together, one `fetch` (a few statements) per distinct set
 * of arguments, whatever the number of parents.
 */
export function pagesLoader<A extends object, T>(
  fetch: (parentIds: string[], args: A) => Promise<Page<T>[]>,
): DataLoader<{ parentId: string; args: A }, Page<T>, string> {
  return new DataLoader<{ parentId: string; args: A }, Page<T>, string>(
    async (keys) => {
      const groups = new Map<string, { args: A; indexes: number[] }>();
      keys.forEach((key, index) => {
        const argsKey = JSON.stringify(key.args);
        const group = groups.get(argsKey) ?? { args: key.args, indexes: [] };
        group.indexes.push(index);
        groups.set(argsKey, group);
      });
      const pages: Page<T>[] = new Array(keys.length);
      for (const group of groups.values()) {
        const fetched = await fetch(
          group.indexes.map((i) => keys[i].parentId),
          group.args,
        );
        group.indexes.forEach((keyIndex, i) => (pages[keyIndex] = fetched[i]));
      }
      return pages;
    },
    { cacheKeyFn: (key) => `${key.parentId}|${JSON.stringify(key.args)}` },
  );
}

/**
 * A loader's row for a field the schema declares non-null, as the loader's own promise: no
 * `async` wrapper and `await` per object (two extra promises and their microtasks for each of a
 * thousand rows of a deep read). A row that is not there (hidden by row-level security, deleted)
 * resolves to null, which GraphQL reports as a non-null field error, as the wrapper's `!` did.
 */
export function present<T>(row: Promise<T | null | undefined>): Promise<T> {
  return row as Promise<T>;
}
