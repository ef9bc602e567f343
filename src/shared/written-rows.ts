/**
 * The rows a write unit produced, as its transaction left them, for the answer that follows it.
 * A mutation's payload is read after its COMMIT (src/http/executor.ts); when what it shows is only
 * what the write itself inserted (a booking's new reservations), reading it back costs a second
 * transaction — BEGIN and scope, a select, COMMIT — for rows this process already holds. A service
 * records such rows here (`ctx.written?.add`), as light entities mapped while its unit was open;
 * the payload's by-id loaders take them from here before asking the database.
 *
 * Only rows the unit does not change again before its COMMIT belong here. One per attempt of a
 * write unit: an attempt that rolls back leaves nothing behind. Absent outside a request (jobs,
 * CLI) and on a replay by idempotency key, where the payload reads the database as before.
 */
export class WrittenRows {
  private readonly byEntity = new Map<string, Map<string, object>>();

  /** Records `rows` (light entities with an `id`) of the entity named `entity`. */
  add(entity: { name: string }, rows: readonly { id: string }[]): void {
    let rowsById = this.byEntity.get(entity.name);
    if (!rowsById) this.byEntity.set(entity.name, (rowsById = new Map()));
    for (const row of rows) rowsById.set(row.id, row);
  }

  /** The row of `entity` with this id, if this unit wrote it; else undefined. */
  get<T extends object>(entity: { name: string }, id: string): T | undefined {
    return this.byEntity.get(entity.name)?.get(id) as T | undefined;
  }
}

/**
 * A by-id batch: the ids found in `written` answered from there, the others (all of them without
 * `written`) from `read`, in the order asked.
 */
export async function writtenOrRead<T extends object>(
  written: WrittenRows | undefined,
  entity: { name: string },
  ids: readonly string[],
  read: (ids: readonly string[]) => Promise<readonly (T | null)[]>,
): Promise<(T | null)[]> {
  if (!written) return [...(await read(ids))];
  const found = ids.map((id) => written.get<T>(entity, id) ?? null);
  const missing = ids.filter((_, i) => found[i] === null);
  if (missing.length === 0) return found;
  const fetched = await read(missing);
  let next = 0;
  return found.map((row) => row ?? fetched[next++]);
}
