import type { Client } from 'pg';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Bookings from the previous software (POST /imports/reservations): each line books a child (by
 * its legacy reference) on every session of a service between two dates; the same report, codes,
 * modes, dry run and idempotency as the families import. A small Béziers copy, seeded on Monday
 * 30 November 2026 with six weeks of sessions and no bookings.
 */
describe('legacy import of reservations', () => {
  const SLUG = 'test-import-bookings';
  let app: TestApp;
  let owner: Client;
  let admin: string;
  let tenantId: string;
  let kids: { id: string; school: string; service: string }[];
  let file: string;

  const post = async (query: string) => {
    const response = await fetch(`${app.url}/imports/reservations${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: file,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const imported = async () =>
    (
      await owner.query(
        `select r.child_id, count(*)::int as n from reservations r
         where r.tenant_id = $1 and r.channel = 'IMPORT' group by r.child_id order by r.child_id`,
        [tenantId],
      )
    ).rows;
  const sessionsOf = async (service: string) =>
    (
      await owner.query(
        `select count(*)::int as n, coalesce(sum(places_taken), 0)::int as taken from sessions
         where tenant_id = $1 and service_id = (select id from services where tenant_id = $1 and name = $2 and facility_id = $3)
           and date between '2026-12-14' and '2026-12-18' and cancelled_at is null`,
        [tenantId, service, kids[0].school],
      )
    ).rows[0];

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: SLUG, families: 12, seed: 4141 },
      new Date('2026-11-30T07:00:00.000Z'),
      6,
    );
    owner = await rawClient('owner');
    kids = (
      await owner.query(
        `select c.id, c.school_id as school, (select sv.name from services sv where sv.tenant_id = c.tenant_id
            and sv.facility_id = c.school_id and sv.kind = 'CANTEEN' limit 1) as service
         from children c join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
         where c.tenant_id = $1 and f.kind = 'SCHOOL'
           and exists (select 1 from services sv where sv.tenant_id = c.tenant_id and sv.facility_id = c.school_id and sv.kind = 'CANTEEN')
         order by c.school_id, c.id limit 2`,
        [tenantId],
      )
    ).rows;
    expect(kids).toHaveLength(2);
    for (const [i, kid] of kids.entries()) {
      await owner.query(`update children set external_ref = $3 where tenant_id = $1 and id = $2`, [
        tenantId,
        kid.id,
        `E${i + 1}`,
      ]);
    }
    const schoolName = (
      await owner.query(`select name from facilities where tenant_id = $1 and id = $2`, [
        tenantId,
        kids[1].school,
      ])
    ).rows[0].name;
    file = [
      'ref_enfant;service;ecole;date_debut;date_fin',
      `E1;${kids[0].service};;14/12/2026;18/12/2026`,
      `E2;${kids[1].service.toUpperCase()};${schoolName};14/12/2026;18/12/2026`,
      `E404;${kids[0].service};;14/12/2026;18/12/2026`,
      `E1;Piscine;;14/12/2026;18/12/2026`,
      `E1;${kids[0].service};;18/12/2026;14/12/2026`,
      `E1;${kids[0].service};École inconnue;14/12/2026;18/12/2026`,
      `E1;${kids[0].service};;31/02/2027;`,
      `E1;${kids[0].service};;25/07/2027;`,
    ].join('\n');
    app = await startTestApp();
    admin = await token(SLUG, Role.TENANT_ADMIN);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const ERRORS = [
    [4, 'ref_enfant', 'UNKNOWN_CHILD'],
    [5, 'service', 'UNKNOWN_SERVICE'],
    [6, 'date_fin', 'BAD_DATE'],
    [7, 'ecole', 'UNKNOWN_SCHOOL'],
    [8, 'date_debut', 'BAD_DATE'],
    [9, 'date_debut', 'NO_SESSION'],
  ];

  it('names every bad line; all or nothing writes no reservation; the dry run gives the real report', async () => {
    const dry = await post('?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body.import).toMatchObject({
      kind: 'RESERVATIONS',
      dryRun: true,
      status: 'REJECTED',
      linesRead: 8,
    });
    expect(dry.body.import.errors.map((e: any) => [e.line, e.column, e.code])).toEqual(ERRORS);
    expect(dry.body.import.errors[0].message).toMatch(/E404/);
    const real = await post('');
    expect({ ...real.body.import, id: null, dryRun: null }).toEqual({
      ...dry.body.import,
      id: null,
      dryRun: null,
    });
    expect(await imported()).toEqual([]);
  });

  it('VALID_ONLY books the valid lines on every session between the dates; the same file again changes nothing', async () => {
    const before = await sessionsOf(kids[0].service);
    const first = await post('?mode=VALID_ONLY');
    expect(first.body.import).toMatchObject({
      status: 'COMPLETED_WITH_REJECTIONS',
      linesValid: 2,
      created: 2,
      unchanged: 0,
      rejected: 6,
    });
    const rows = await imported();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.n === before.n && r.n > 0)).toBe(true);
    const after = await sessionsOf(kids[0].service);
    // Both children at the first school's canteen when they share it: places counted.
    expect(after.taken - before.taken).toBe(kids[0].school === kids[1].school ? 2 * before.n : before.n);

    const again = await post('?mode=VALID_ONLY');
    expect(again.body.import).toMatchObject({ created: 0, unchanged: 2, rejected: 6 });
    expect(await imported()).toEqual(rows);
    expect(await sessionsOf(kids[0].service)).toEqual(after);
  });
});
