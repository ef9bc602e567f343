import { CursorError, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from './errors';
import { openCursor, sealCursor } from './ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** One page of a keyset-paginated list (cursor pagination, Relay semantics, forward only). */
export interface Page<T> {
  items: T[];
  cursorOf(item: T): string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  totalCount: number;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadInputError(`"first" must be between 1 and ${MAX_PAGE_SIZE}.`, ['first']);
  }
  return first;
}

/**
 * Keyset pagination with MikroORM's cursors: `orderBy` must end with a unique column (the id)
 * so that the order is total. A malformed `after` is the client's error, not ours.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  orderBy: QueryOrderMap<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const first = pageSize(args.first);
  // A cursor is sealed with the list it belongs to: one from another list is refused too.
  const list = `${typeof entity === 'string' ? entity : (entity as { name: string }).name}:${Object.keys(orderBy).join(',')}`;
  const seal = (raw: string | null) => (raw === null ? null : sealCursor(`${list}|${raw}`));
  const after = args.after ? unseal(args.after, list) : undefined;
  try {
    const cursor = await em.findByCursor(entity, where, {
      first,
      after,
      orderBy: orderBy as never,
      includeCount: true,
    });
    return {
      items: cursor.items as T[],
      cursorOf: (item) => seal(cursor.from(item))!,
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: seal(cursor.startCursor),
      endCursor: seal(cursor.endCursor),
      totalCount: cursor.totalCount,
    };
  } catch (error) {
    if (error instanceof CursorError) throw badCursor();
    throw error;
  }
}

const badCursor = () => new BadInputError('"after" is not a cursor this list returned.', ['after']);

function unseal(after: string, list: string): string {
  const opened = openCursor(after);
  if (!opened || !opened.startsWith(`${list}|`)) throw badCursor();
  return opened.slice(list.length + 1);
}
