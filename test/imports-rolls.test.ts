import type { Client } from 'pg';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/** The text a pdfkit PDF shows: its content streams inflated, the hex strings of TJ arrays decoded. */
function pdfText(pdf: Buffer): string {
  const text: string[] = [];
  const source = pdf.toString('latin1');
  for (const match of source.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = source.indexOf('endstream', start);
    let content: string;
    try {
      content = zlib.inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const array of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      text.push(
        [...array[1].matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((h) => Buffer.from(h[1], 'hex').toString('latin1'))
          .join(''),
      );
    }
  }
  return text.join('\n');
}

/**
 * A day without the network, in Nîmes (WALK_IN mode): the agents print the day's roll sheets
 * (PDF) and the spreadsheet to fill in (CSV), take the roll on paper, and the filled sheet goes
 * back through POST /imports/attendance — the roll call's own rules: booked and present attended,
 * booked and absent absent, a walk-in admitted, one charge each; the same sheet again changes
 * nothing. A Nîmes copy of its own, seeded on Monday 30 November 2026, the roll on Thursday.
 */
describe('paper continuity: roll sheets and their re-import', () => {
  const SLUG = 'test-rolls';
  const BOOKED_AT = '2026-11-30T07:00:00.000Z';
  const DAY = '2026-12-03';
  let app: TestApp;
  let owner: Client;
  let agent: string;
  let tenantId: string;
  let school: { id: string; name: string; kids: { id: string; last: string; first: string }[] };
  let sessionId: string;

  const get = async (path: string, as = agent) => {
    const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${as}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  };
  const postRoll = async (body: Buffer | string) => {
    const response = await fetch(`${app.url}/imports/attendance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'text/csv' },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const reservations = async () =>
    (
      await owner.query(
        `select r.child_id, r.status::text as status, r.channel::text as channel,
                (select count(*)::int from charges ch where ch.tenant_id = r.tenant_id and ch.reservation_id = r.id) as charges
         from reservations r where r.tenant_id = $1 and r.session_id = $2 and r.status <> 'CANCELLED' order by r.child_id`,
        [tenantId, sessionId],
      )
    ).rows;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'nimes',
      { slug: SLUG, families: 60, seed: 2121 },
      new Date(BOOKED_AT),
      1,
    );
    owner = await rawClient('owner');
    const [row] = (
      await owner.query(
        `select f.id, f.name, json_agg(json_build_object('id', c.id, 'last', c.last_name, 'first', c.first_name)
                  order by c.last_name, c.first_name, c.id) as kids
         from children c join facilities f on f.tenant_id = c.tenant_id and f.id = c.school_id
         where c.tenant_id = $1 and f.kind = 'SCHOOL'
         group by f.id, f.name having count(*) >= 4 order by count(*) desc, f.id limit 1`,
        [tenantId],
      )
    ).rows;
    school = row;
    sessionId = (
      await owner.query(
        `select s.id from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
         where s.tenant_id = $1 and s.facility_id = $2 and s.date = $3 and sv.kind = 'CANTEEN'`,
        [tenantId, school.id, DAY],
      )
    ).rows[0].id;
    await owner.query(`update children set diet = 'ALLERGY_PLAN' where tenant_id = $1 and id = $2`, [
      tenantId,
      school.kids[0].id,
    ]);
    app = await startTestApp();
    app.setNow(BOOKED_AT);
    agent = await token(SLUG, Role.AGENT);
    for (const [i, kid] of school.kids.slice(0, 3).entries()) {
      const res = await app.gql(
        `mutation($i: ReserveInput!) { reserve(input: $i) { reservations { status } userErrors { code message } } }`,
        {
          i: {
            childId: toGlobalId('Child', kid.id),
            sessionIds: [toGlobalId('Session', sessionId)],
            idempotencyKey: `roll-${i}`,
          },
        },
        { token: agent },
      );
      expect(res.data.reserve.userErrors).toEqual([]);
    }
    app.setNow(`${DAY}T13:00:00.000Z`);
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  it('prints the roll sheet of a school: the booked children, the allergy plan, blank lines, the meals per diet', async () => {
    const { status, type, body } = await get(
      `/documents/rolls/${DAY}.pdf?facilityId=${toGlobalId('Facility', school.id)}`,
    );
    expect(status).toBe(200);
    expect(type).toBe('application/pdf');
    const text = pdfText(body);
    expect(text).toContain('Feuille d');
    for (const kid of school.kids.slice(0, 3)) expect(text).toContain(`${kid.last} ${kid.first}`);
    expect(text).not.toContain(`${school.kids[3].last} ${school.kids[3].first}`);
    expect(text).toContain('PAI (allergie)');
    expect(text).toContain('Enfants non inscrits');
    // The dash is WinAnsi 0x97, a control character once decoded as Latin-1.
    expect(text).toMatch(/Repas attendus : 3 . standard 2, sans porc 0, végétarien 0, PAI 1/);
  });

  it('prints every school of the day in one PDF, a page per session; agents only', async () => {
    const sessions = Number(
      (
        await owner.query(
          `select count(*) as n from sessions where tenant_id = $1 and date = $2 and facility_id is not null`,
          [tenantId, DAY],
        )
      ).rows[0].n,
    );
    const started = Date.now();
    const { status, body } = await get(`/documents/rolls/${DAY}.pdf`);
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(body.toString('latin1').match(/\/Type \/Page\b/g)!.length).toBeGreaterThanOrEqual(sessions);
    const family = (await owner.query(`select id from families where tenant_id = $1 limit 1`, [tenantId]))
      .rows[0].id;
    const parent = await get(
      `/documents/rolls/${DAY}.pdf`,
      await token(SLUG, Role.PARENT, toGlobalId('Family', family)),
    );
    expect(parent.status).toBe(403);
    expect((await get(`/documents/rolls/2026-13-45.pdf`)).status).toBe(400);
  });

  it('takes the filled roll back through the roll call: attended, absent, a walk-in, one charge each; again changes nothing', async () => {
    const sheet = await get(`/documents/rolls/${DAY}.csv?facilityId=${toGlobalId('Facility', school.id)}`);
    expect(sheet.status).toBe(200);
    const rows: Record<string, string>[] = parse(sheet.body, { columns: true, delimiter: ';', bom: true });
    expect(rows.filter((r) => r.enfant_id)).toHaveLength(3);
    expect(rows.filter((r) => !r.enfant_id)).toHaveLength(5);
    const [a, b, c, walkIn] = school.kids;
    const mark: Record<string, string> = {
      [toGlobalId('Child', a.id)]: 'P',
      [toGlobalId('Child', b.id)]: 'A',
      [toGlobalId('Child', c.id)]: 'P',
    };
    let blank = 0;
    const filled = rows.map((r) => {
      if (r.enfant_id) return { ...r, present: mark[r.enfant_id] };
      // The first blank line: a child who came without a booking, written in by hand.
      return blank++ === 0 ? { ...r, nom: walkIn.last, prenom: walkIn.first, present: 'P' } : r;
    });
    const csv = stringify(filled, { header: true, delimiter: ';' });

    const first = await postRoll(csv);
    expect(first.status).toBe(200);
    expect(first.body.import).toMatchObject({
      kind: 'ATTENDANCE',
      status: 'COMPLETED',
      linesRead: 8,
      created: 1,
      updated: 3,
      unchanged: 4,
      rejected: 0,
    });
    const byChild = new Map((await reservations()).map((r: any) => [r.child_id, r]));
    expect(byChild.get(a.id)).toMatchObject({ status: 'ATTENDED', charges: 1 });
    expect(byChild.get(b.id)).toMatchObject({ status: 'ABSENT_UNJUSTIFIED', charges: 1 });
    expect(byChild.get(c.id)).toMatchObject({ status: 'ATTENDED', charges: 1 });
    expect(byChild.get(walkIn.id)).toMatchObject({ status: 'ATTENDED', channel: 'WALK_IN', charges: 1 });
    const charges = await owner.query(`select count(*)::int as n from charges where tenant_id = $1`, [
      tenantId,
    ]);

    const again = await postRoll(csv);
    expect(again.body.import).toMatchObject({ status: 'COMPLETED', created: 0, updated: 0, unchanged: 8 });
    expect(
      await owner.query(`select count(*)::int as n from charges where tenant_id = $1`, [tenantId]),
    ).toMatchObject({
      rows: charges.rows,
    });
  });

  it('reports the lines it cannot record, with the roll call’s reason, and writes none of them', async () => {
    const header = 'seance_id;enfant_id;nom;prenom;present';
    const session = toGlobalId('Session', sessionId);
    const before = await reservations();
    const { body } = await postRoll(
      [
        header,
        `${session};${toGlobalId('Child', school.kids[0].id)};;;A`,
        `${session};;Personne;Inconnue;P`,
        `${session};${toGlobalId('Child', school.kids[1].id)};;;`,
        `Session_nope;;;;P`,
      ].join('\n'),
    );
    expect(body.import.status).toBe('REJECTED');
    expect(body.import.errors.map((e: any) => [e.line, e.column, e.code])).toEqual([
      [3, 'nom', 'UNKNOWN_CHILD'],
      [4, 'present', 'MISSING_FIELD'],
      [5, 'seance_id', 'UNKNOWN_SESSION'],
      [5, 'nom', 'MISSING_FIELD'],
    ]);
    // All or nothing: the valid line (a child marked absent) was not recorded either.
    expect(await reservations()).toEqual(before);
  });

  it('prints a family statement at the counter once the paper days are billed: due, open invoices, the family only', async () => {
    app.setNow('2027-01-05T09:00:00.000Z');
    const admin = await token(SLUG, Role.TENANT_ADMIN);
    const run = await app.gql(
      `mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { message } } }`,
      { i: { period: '2026-12', idempotencyKey: 'rolls-december' } },
      { token: admin },
    );
    expect(run.data.runBilling.billingRun.invoicesCreated).toBeGreaterThan(0);
    const kid = school.kids[0];
    const { family_id: familyId, number } = (
      await owner.query(
        `select c.family_id, i.number from children c join invoices i on i.tenant_id = c.tenant_id and i.family_id = c.family_id
         where c.tenant_id = $1 and c.id = $2`,
        [tenantId, kid.id],
      )
    ).rows[0];
    const path = `/documents/families/${toGlobalId('Family', familyId)}/statement.pdf`;
    const statement = await get(path);
    expect(statement.status).toBe(200);
    expect(statement.type).toBe('application/pdf');
    const text = pdfText(statement.body);
    expect(text).toContain('Relevé de compte');
    expect(text).toContain('Reste à payer');
    expect(text).toContain('Factures à régler');
    expect(text).toContain(number);
    const other = (
      await owner.query(`select id from families where tenant_id = $1 and id <> $2 limit 1`, [
        tenantId,
        familyId,
      ])
    ).rows[0].id;
    const stranger = await get(path, await token(SLUG, Role.PARENT, toGlobalId('Family', other)));
    expect(stranger.status).toBe(404);
    const own = await get(path, await token(SLUG, Role.PARENT, toGlobalId('Family', familyId)));
    expect(own.status).toBe(200);
  });
});
