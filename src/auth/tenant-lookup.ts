import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantRow } from './authenticate';

/**
 * Finds the tenants credentials name (a token's `tenant` slug, an API key's tenant ids) for
 * authentication, keeping each row found for `ttlMs` so that most requests reach their unit of
 * work without a round trip to the database first. Only identification relies on these rows (a
 * tenant's id and slug, which do not change): every unit of work reads its tenant's row afresh in
 * the statement that scopes its transaction (`scopeToTenantReading`), so a mode or configuration
 * change is seen by the next request, cached or not. Unknown names are never cached.
 */
export class TenantLookup {
  private readonly rows = new Map<string, { row: TenantRow; at: number }>();

  /** `ttlMs` 0: every lookup reads the database. */
  constructor(private readonly ttlMs = 0) {}

  /** The tenants whose `column` is one of `values`, ordered by slug. */
  async find(em: EntityManager, column: 'slug' | 'id', values: string[]): Promise<TenantRow[]> {
    const now = Date.now();
    const found: TenantRow[] = [];
    const missing: string[] = [];
    for (const value of values) {
      const hit = this.rows.get(`${column}:${value}`);
      if (hit && now - hit.at < this.ttlMs) found.push(hit.row);
      else missing.push(value);
    }
    if (missing.length) {
      const rows = await em.execute<TenantRow[]>(
        `select * from tenants where ${column}::text in (select value from json_array_elements_text(?::json))`,
        [JSON.stringify(missing)],
        'all',
        em.getLoggerContext(),
      );
      for (const row of rows) {
        if (this.ttlMs > 0) {
          this.rows.set(`slug:${row.slug}`, { row, at: now });
          this.rows.set(`id:${row.id}`, { row, at: now });
        }
        found.push(row);
      }
    }
    return found.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }
}
