import type { Client } from 'pg';
import { TENANT_TABLES } from '../src/migrations/Migration20261123000000Foundation';
import { rawClient } from './support/app';

/** Row-level security is the backstop of tenant isolation: checked in the catalog and in behaviour. */
describe('tenant isolation in PostgreSQL', () => {
  let owner: Client;
  let app: Client;
  let nimes: string;
  let beziers: string;

  beforeAll(async () => {
    owner = await rawClient('owner');
    app = await rawClient('app');
    const { rows } = await owner.query<{ slug: string; id: string }>('select slug, id from tenants');
    nimes = rows.find((r) => r.slug === 'nimes')!.id;
    beziers = rows.find((r) => r.slug === 'beziers')!.id;
  });
  afterAll(async () => {
    await owner.end();
    await app.end();
  });

  const asTenant = async <T>(tenantId: string, work: () => Promise<T>): Promise<T> => {
    await app.query('begin');
    try {
      await app.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await work();
    } finally {
      await app.query('rollback');
    }
  };

  it('forces row-level security on every tenant table', async () => {
    const { rows } = await owner.query(
      `select relname, relrowsecurity, relforcerowsecurity from pg_class
       where relname = any($1) and relkind = 'r' order by relname`,
      [TENANT_TABLES],
    );
    expect(rows).toHaveLength(TENANT_TABLES.length);
    for (const row of rows) expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('has every table with a tenant_id column under RLS (no table forgotten)', async () => {
    const { rows } = await owner.query(
      `select c.relname from pg_class c join pg_attribute a on a.attrelid = c.oid
       where a.attname = 'tenant_id' and c.relkind = 'r' and c.relnamespace = 'public'::regnamespace
         and not c.relforcerowsecurity`,
    );
    // family_search is the one exception: the API role holds no privilege on it at all, and reads
    // it only through guichet_search_family_ids, which is bound to the transaction's tenant.
    expect(rows).toEqual([{ relname: 'family_search' }]);
    const { rows: grants } = await owner.query(
      `select privilege_type from information_schema.role_table_grants
       where table_name = 'family_search' and grantee in ('guichet_api', 'PUBLIC')`,
    );
    expect(grants).toEqual([]);
  });

  it('connects the API as a role that owns nothing and cannot bypass RLS', async () => {
    const { rows } = await app.query(
      `select r.rolsuper, r.rolbypassrls,
              (select count(*) from pg_class c where c.relowner = r.oid)::int as owned
       from pg_roles r where r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('shows no tenant row to SQL that has not set a tenant', async () => {
    for (const table of TENANT_TABLES) {
      const { rows } = await app.query(`select count(*)::int as n from ${table}`);
      expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
    }
    const { rows } = await owner.query('select count(*)::int as n from families');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("hides tenant B's rows from tenant A, and refuses to touch or create them", async () => {
    const { rows: beziersFamilies } = await owner.query(
      'select id from families where tenant_id = $1 order by id limit 3',
      [beziers],
    );
    const ids = beziersFamilies.map((r) => r.id);
    expect(ids).toHaveLength(3);

    await asTenant(nimes, async () => {
      const visible = await app.query('select count(*)::int as n from families where id = any($1)', [ids]);
      expect(visible.rows[0].n).toBe(0);
      const own = await app.query(
        'select count(*)::int as n, count(distinct tenant_id)::int as t from families',
      );
      expect(own.rows[0]).toEqual({ n: expect.any(Number), t: 1 });
      expect(own.rows[0].n).toBeGreaterThan(0);

      const updated = await app.query(`update families set name = 'hijacked' where id = any($1)`, [ids]);
      expect(updated.rowCount).toBe(0);
      await app.query('savepoint s');
      const deleted = await app.query('delete from children where family_id = any($1)', [ids]);
      expect(deleted.rowCount).toBe(0);
      await expect(
        app.query(`insert into families (id, tenant_id, name) values (gen_random_uuid(), $1, 'intruder')`, [
          beziers,
        ]),
      ).rejects.toThrow(/row-level security/);
      await app.query('rollback to savepoint s');
      await expect(
        app.query(`update families set tenant_id = $1 where id = (select id from families limit 1)`, [
          beziers,
        ]),
      ).rejects.toThrow(/row-level security/);
    });

    const after = await owner.query(
      'select count(*)::int as n from families where id = any($1) and name = $2',
      [ids, 'hijacked'],
    );
    expect(after.rows[0].n).toBe(0);
  });

  it("cannot point a child at another tenant's family (composite foreign keys)", async () => {
    const { rows } = await owner.query('select id from families where tenant_id = $1 limit 1', [beziers]);
    await expect(
      owner.query(
        `insert into children (id, tenant_id, family_id, first_name, last_name, birth_date)
         values (gen_random_uuid(), $1, $2, 'X', 'Y', '2020-01-01')`,
        [nimes, rows[0].id],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('keeps tenant_id first in every index of a tenant table', async () => {
    const { rows } = await owner.query(
      `select i.indexrelid::regclass::text as index, a.attname as first_column
       from pg_index i
       join pg_class t on t.oid = i.indrelid
       join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
       where t.relname = any($1) and not i.indisprimary`,
      [TENANT_TABLES],
    );
    const offenders = rows.filter((r) => r.first_column !== 'tenant_id');
    expect(rows.length).toBeGreaterThan(TENANT_TABLES.length);
    expect(offenders).toEqual([]);
  });
});
