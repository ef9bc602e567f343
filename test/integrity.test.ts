import type { Client } from 'pg';
import { Role, Scope } from '../src/auth/viewer';
import { signToken } from '../src/auth/jwt';
import { loadConfig } from '../src/config';
import { purgeExpiredIdempotencyKeys } from '../src/jobs/worker';
import { createLogger } from '../src/shared/logger';
import DataLoader from 'dataloader';
import { demoTenants } from '../seeds/demo-tenants';
import { DOMAINS } from '../src/http/domains';
import { SessionPeriod } from '../src/sessions/session.entity';
import { fromGlobalId } from '../src/shared/ids';
import { rawClient, startTestApp, token, type TestApp } from './support/app';
import { apiKey, partOfCatalogue, seedTestTenant } from './support/tenants';

/**
 * The request path never half-writes: each mutation field is its own unit of work (committed
 * with its whole payload, or not at all, idempotency key included), deadlocks are avoided or
 * retried, and a database that cannot serve answers 503 fast. A Béziers copy of its own, seeded
 * on 1 December 2026: its two leisure centres open each Wednesday for booking 30 days ahead.
 */
describe('integrity of the request path', () => {
  const SLUG = 'test-integrity';
  const NOW = '2026-12-01T11:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let agent: string;
  let admin: string;
  let families: { id: string; children: { id: string }[] }[];
  let sessions: { id: string; date: string; placesTaken: number }[];
  const logs: Record<string, unknown>[] = [];

  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) {
    reservations { id session { id } } userErrors { code field } } }`;
  /** Row ids of global IDs, for the raw SQL checks. */
  const rowIds = (globalIds: string[]) => globalIds.map((id) => fromGlobalId(id)!.id);
  const placesTaken = async (globalIds: string[]) => {
    const ids = rowIds(globalIds);
    const { rows } = await owner.query('select id, places_taken from sessions where id = any($1::uuid[])', [
      ids,
    ]);
    return ids.map((id) => rows.find((r) => r.id === id)!.places_taken as number);
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await owner.query(sql, params)).rows[0].n);
  const reservationsOf = (childGlobalId: string) =>
    count(
      `select count(*) as n from reservations r join children c on c.id = r.child_id
       where c.tenant_id = $1 and r.status <> 'CANCELLED' and r.child_id = $2`,
      [tenantId, fromGlobalId(childGlobalId)!.id],
    );
  const keysNamed = (key: string) =>
    count('select count(*) as n from idempotency_keys where tenant_id = $1 and key = $2', [tenantId, key]);
  /** Children ids as the API returns them, with their family. */
  const kids = () => families.flatMap((f) => f.children.map((c) => ({ childId: c.id, familyId: f.id })));

  beforeAll(async () => {
    const beziers = demoTenants().find((t) => t.slug === 'beziers')!;
    tenantId = await seedTestTenant(
      'beziers',
      {
        slug: SLUG,
        families: 220,
        seed: 4321,
        childAges: [4, 11],
        // One centre, half-days: sessions a child may all hold (no two at overlapping hours).
        catalogue: partOfCatalogue('beziers', [
          { kind: 'LEISURE_CENTRE', name: 'Centre aéré des Essais', capacity: 400 },
        ]),
        schedules: {
          ...beziers.schedules,
          'Centre aéré du mercredi': {
            periods: [SessionPeriod.MORNING, SessionPeriod.AFTERNOON],
            weekdays: [3],
          },
        },
      },
      new Date(NOW),
      6,
    );
    app = await startTestApp({ onLog: (line) => logs.push(line) });
    app.setNow(NOW);
    owner = await rawClient('owner');
    agent = await token(SLUG, Role.AGENT);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    families = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const res: any = await app.gql(
        'query($after: String) { families(first: 100, after: $after) { pageInfo { endCursor hasNextPage } nodes { id children { id } } } }',
        { after },
        { token: agent },
      );
      families.push(...res.data.families.nodes);
      after = res.data.families.pageInfo.endCursor;
      if (!res.data.families.pageInfo.hasNextPage) break;
    }
    const open = await app.gql(
      `{ sessions(first: 100, filter: { onlyAvailable: true }) { nodes { id date placesTaken bookingOpensAt bookingClosesAt } } }`,
      {},
      { token: agent },
    );
    sessions = open.data.sessions.nodes.filter(
      (s: any) => new Date(s.bookingOpensAt) <= new Date(NOW) && new Date(s.bookingClosesAt) > new Date(NOW),
    );
  });
  afterAll(async () => {
    await owner.query('drop trigger if exists integrity_probe on audit_events');
    await owner.query('drop function if exists integrity_probe()');
    await owner.query('drop sequence if exists integrity_probe_seq');
    await owner.end();
    await app.close();
  });

  it('has what it needs: open leisure-centre sessions and children', () => {
    expect(sessions.length).toBeGreaterThanOrEqual(6);
    expect(kids().length).toBeGreaterThanOrEqual(300);
  });

  describe('a mutation field commits with its whole payload, or writes nothing', () => {
    it('a payload selection the caller may not read: nothing written, then the same key books', async () => {
      const { childId, familyId } = kids()[0];
      const parent = await token(SLUG, Role.PARENT, familyId);
      const input = { childId, sessionIds: [sessions[0].id], idempotencyKey: 'sel-1' };
      const bad = await app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id session { reservations { id } } } } }`,
        { input },
        { token: parent },
      );
      expect(bad.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(bad.errors?.[0].extensions?.field).toBe('Session.reservations');
      expect(await reservationsOf(childId)).toBe(0);
      expect(await keysNamed('sel-1')).toBe(0);
      const retry = await app.gql(RESERVE, { input }, { token: parent });
      expect(retry.errors).toBeUndefined();
      expect(retry.data.reserve.reservations).toHaveLength(1);
      expect(await reservationsOf(childId)).toBe(1);
      expect(await keysNamed('sel-1')).toBe(1);
    });

    it('a payload argument out of bounds is refused before anything runs', async () => {
      const { childId } = kids()[1];
      const input = { childId, sessionIds: [sessions[0].id, sessions[1].id], idempotencyKey: 'bad-page' };
      const before = await placesTaken(input.sessionIds);
      const refused = await app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) {
           reservations { id child { family { reservations(first: 500) { totalCount } } } } } }`,
        { input },
        { token: agent },
      );
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['first'] });
      expect(await reservationsOf(childId)).toBe(0);
      expect(await keysNamed('bad-page')).toBe(0);
      expect(await placesTaken(input.sessionIds)).toEqual(before);
    });

    it('a payload that cannot be read after its write committed: reported as committed, and the key replays it', async () => {
      const { childId } = kids()[1];
      const input = { childId, sessionIds: [sessions[0].id, sessions[1].id], idempotencyKey: 'read-fails' };
      // Fault injection: the payload phase's reservation loader fails (the database went away, say).
      const reservations = DOMAINS.find((d) => d.name === 'reservations')!;
      const factory = reservations.loaders!;
      reservations.loaders = (ctx) => {
        const loaders = factory(ctx);
        const real = loaders.reservationById!;
        loaders.reservationById = new DataLoader(async (ids: readonly string[]) => {
          if (ctx.mutation?.replay) throw new Error('payload read failed');
          return real.loadMany(ids) as Promise<never[]>;
        });
        return loaders;
      };
      let failed;
      try {
        failed = await app.gql(RESERVE, { input }, { token: agent });
      } finally {
        reservations.loaders = factory;
      }
      expect(failed.data).toBeNull();
      expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(failed.extensions.committed).toEqual(['reserve']);
      expect(await reservationsOf(childId)).toBe(2);
      const replay = await app.gql(RESERVE, { input }, { token: agent });
      expect(replay.errors).toBeUndefined();
      expect(replay.data.reserve.reservations).toHaveLength(2);
      expect(await reservationsOf(childId)).toBe(2);
    });

    it('two mutation fields are two units: the first commits, the failed second writes nothing, and the response says so', async () => {
      const [first, second] = [kids()[2], kids()[3]];
      const res = await app.gql(
        `mutation($a: ReserveInput!, $b: ReserveInput!) {
           a: reserve(input: $a) { reservations { id } }
           b: reserve(input: $b) { reservations { id } } }`,
        {
          a: { childId: first.childId, sessionIds: [sessions[2].id], idempotencyKey: 'two-a' },
          // An empty idempotency key fails the field as it runs (a malformed ID would be a userError).
          b: { childId: second.childId, sessionIds: [sessions[3].id], idempotencyKey: '' },
        },
        { token: agent },
      );
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'BAD_USER_INPUT']]);
      expect(res.extensions.committed).toEqual(['a']);
      expect(await reservationsOf(first.childId)).toBe(1);
      expect(await reservationsOf(second.childId)).toBe(0);
      expect(await keysNamed('')).toBe(0);
      // The committed field replays with its key: the client learns what was done.
      const replay = await app.gql(
        RESERVE,
        { input: { childId: first.childId, sessionIds: [sessions[2].id], idempotencyKey: 'two-a' } },
        { token: agent },
      );
      expect(replay.data.reserve.reservations).toHaveLength(1);
      expect(await reservationsOf(first.childId)).toBe(1);
    });

    it('a key without the right scope is refused before anything runs, and stores no key', async () => {
      const tablet = await apiKey([tenantId], [Scope.ATTENDANCE_WRITE]);
      const res = await app.gql(
        `mutation($input: CreatePaymentPlanInput!) { createPaymentPlan(input: $input) { paymentPlan { id } userErrors { code } } }`,
        { input: { familyId: families[0].id, instalments: 3, idempotencyKey: 'no-scope' } },
        { token: tablet },
      );
      expect(res.errors?.[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        field: 'Mutation.createPaymentPlan',
      });
      expect(res.errors?.[0].message).toBe(
        '`Mutation.createPaymentPlan` demande le rôle AGENT ou TENANT_ADMIN ou un parent (pour sa propre famille).',
      );
      expect(await keysNamed('no-scope')).toBe(0);
    });

    it('retries a unit PostgreSQL aborts for a deadlock, and writes once', async () => {
      await owner.query('create sequence if not exists integrity_probe_seq');
      await owner.query(`create or replace function integrity_probe() returns trigger language plpgsql
        security definer set search_path = public as $$
        begin
          if new.details->>'code' = 'PROBE_DEADLOCK' and nextval('integrity_probe_seq') = 1 then
            raise exception 'probe deadlock' using errcode = 'deadlock_detected';
          end if;
          if new.details->>'code' = 'PROBE_BOOM' then raise exception 'probe failure'; end if;
          return new;
        end $$`);
      await owner.query(`create trigger integrity_probe before insert on audit_events
        for each row when (new.details->>'code' like 'PROBE_%') execute function integrity_probe()`);
      const SET = `mutation($input: SetAbsenceReasonInput!) { setAbsenceReason(input: $input) {
        absenceReason { code } userErrors { code } } }`;
      const res = await app.gql(
        SET,
        { input: { code: 'PROBE_DEADLOCK', label: 'Sonde', billable: false, requiresDocument: false } },
        { token: admin },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.setAbsenceReason.absenceReason.code).toBe('PROBE_DEADLOCK');
      expect(Number((await owner.query(`select last_value as n from integrity_probe_seq`)).rows[0].n)).toBe(
        2,
      );
      expect(
        await count(
          `select count(*) as n from audit_events where tenant_id = $1 and details->>'code' = 'PROBE_DEADLOCK'`,
          [tenantId],
        ),
      ).toBe(1);

      // An unexpected failure: INTERNAL_SERVER_ERROR without detail, nothing written, logged with the request id.
      const boom = await app.gql(
        SET,
        { input: { code: 'PROBE_BOOM', label: 'Sonde', billable: false, requiresDocument: false } },
        { token: admin, headers: { 'x-request-id': 'probe-boom-1' } },
      );
      expect(boom.status).toBe(200);
      expect(boom.errors?.[0]).toMatchObject({
        message: 'Erreur interne du serveur.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(
        await count(
          `select count(*) as n from absence_reasons where tenant_id = $1 and code = 'PROBE_BOOM'`,
          [tenantId],
        ),
      ).toBe(0);
      const logged = logs.filter((l) => l.msg === 'unexpected error').map((l) => l.reqId);
      expect(logged).toContain('probe-boom-1');
    });
  });

  it('books 300 shuffled bulk requests on the same 5 sessions without a deadlock: 50 each, database = acknowledged', async () => {
    const five = sessions.slice(1, 6);
    const fiveIds = rowIds(five.map((s) => s.id));
    await owner.query('update sessions set capacity = 50 where id = any($1::uuid[])', [fiveIds]);
    const before = await placesTaken(five.map((s) => s.id));
    const children = kids().slice(10, 310);
    const shuffle = <T>(list: T[], seed: number) =>
      list
        .map((item, i) => [Math.sin(seed * 7919 + i * 104729), item] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, item]) => item);
    // As a real client would: a 503 (the pool is busy) is retried after its Retry-After.
    const answers = await Promise.all(
      children.map((kid, i) =>
        app.gqlRetrying(
          RESERVE,
          {
            input: {
              childId: kid.childId,
              sessionIds: shuffle(
                five.map((s) => s.id),
                i + 1,
              ),
              idempotencyKey: `bulk-${i}`,
            },
          },
          { token: agent },
        ),
      ),
    );
    // No deadlock, no 500, no error: every request answered its booking or its refusals.
    expect(answers.filter((a) => a.status !== 200 || a.errors).map((a) => [a.status, a.errors])).toEqual([]);
    const acknowledged = answers.flatMap((a) => a.data.reserve.reservations.map((r: any) => r.id));
    const refused = answers.flatMap((a) => a.data.reserve.userErrors.map((e: any) => e.code));
    expect(new Set(refused)).toEqual(new Set(['FULL']));
    const after = await placesTaken(five.map((s) => s.id));
    expect(after).toEqual([50, 50, 50, 50, 50]);
    expect(acknowledged).toHaveLength(after.reduce((n, t, i) => n + t - before[i], 0));
    // Every reservation in the database was acknowledged, and every acknowledged one is there.
    const { rows } = await owner.query(
      `select r.id from reservations r join children c on c.id = r.child_id
       where c.tenant_id = $1 and r.created_by like 'test:%' and r.session_id = any($2::uuid[]) and r.status = 'BOOKED'
         and r.child_id = any($3::uuid[])`,
      [tenantId, fiveIds, rowIds(children.map((k) => k.childId))],
    );
    expect(rows).toHaveLength(acknowledged.length);
  });

  describe('idempotency keys', () => {
    it('are scoped to the acting principal: two parents sharing a subject never see each other’s result', async () => {
      const [a, b] = [families[200], families[201]];
      const secret = loadConfig().jwtSecret;
      const portal = (family: string) =>
        signToken(
          { sub: 'portal-service-account', tenant: SLUG, roles: [Role.PARENT], family },
          secret,
          '1h',
        );
      const input = {
        childId: a.children[0].id,
        sessionIds: [sessions[0].id],
        idempotencyKey: 'shared-subject',
      };
      const first = await app.gql(RESERVE, { input }, { token: await portal(a.id) });
      expect(first.data.reserve.reservations).toHaveLength(1);
      // The other family, same subject, same key and input: its own attempt, never A's booking.
      const other = await app.gql(RESERVE, { input }, { token: await portal(b.id) });
      expect(other.data.reserve).toEqual({
        reservations: [],
        userErrors: [{ code: 'NOT_FOUND', field: ['childId'] }],
      });
    });

    it('are purged after their retention by the job', async () => {
      await app.gql(
        RESERVE,
        { input: { childId: kids()[5].childId, sessionIds: [sessions[0].id], idempotencyKey: 'old-key' } },
        { token: agent },
      );
      await owner.query(
        `update idempotency_keys set created_at = now() - interval '49 hours' where tenant_id = $1 and key = 'old-key'`,
        [tenantId],
      );
      const deleted = await purgeExpiredIdempotencyKeys(app.orm, createLogger('silent'));
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await keysNamed('old-key')).toBe(0);
      expect(await keysNamed('sel-1')).toBe(1);
    });
  });

  describe('back-pressure: a fast, retryable 503, never a 60 s wait then a 500', () => {
    it('answers SERVICE_UNAVAILABLE with Retry-After when no connection frees in time, and stays ready', async () => {
      const small = await startTestApp({
        config: { dbPoolMax: 1, dbAcquireTimeoutMs: 300, lockTimeoutMs: 20_000 },
      });
      small.setNow(NOW);
      const locker = await rawClient('owner');
      try {
        await locker.query('begin');
        const { rows } = await locker.query(
          'select id from sessions where tenant_id = $1 and id = $2 for update',
          [tenantId, rowIds([sessions[4].id])[0]],
        );
        expect(rows).toHaveLength(1);
        // The roll call of that session waits on its row lock, holding the pool's only connection.
        const blocked = small.gql(
          `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code } } }`,
          { input: { sessionId: sessions[4].id, present: [], absent: [], idempotencyKey: 'blocked-roll' } },
          { token: agent },
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const started = Date.now();
        const busy = await small.gql('{ tenant { slug } }', {}, { token: agent });
        expect(Date.now() - started).toBeLessThan(3000);
        expect(busy.status).toBe(503);
        expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(busy.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect((await fetch(`${small.url}/readyz`)).status).toBe(200);
        await locker.query('rollback');
        expect((await blocked).status).toBe(200);
      } finally {
        await locker.end();
        await small.close();
      }
    });

    it('keeps a busy line waiting as long as it moves: a rush gets answers, not 503s', async () => {
      // One connection and 200 ms without progress before a 503: 60 requests take much longer
      // than 200 ms to get through, but the line moves, so every one is answered.
      const small = await startTestApp({ config: { dbPoolMax: 1, dbAcquireTimeoutMs: 200 } });
      small.setNow(NOW);
      try {
        const started = Date.now();
        const answers = await Promise.all(
          Array.from({ length: 60 }, () =>
            small.gql(
              '{ families(first: 20) { nodes { name children { firstName } } } }',
              {},
              { token: agent },
            ),
          ),
        );
        expect(Date.now() - started).toBeGreaterThan(200);
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
        expect(answers.every((a) => a.data.families.nodes.length > 0)).toBe(true);
      } finally {
        await small.close();
      }
    });

    it('gives up a lock wait after lock_timeout with a 503, and writes nothing', async () => {
      const impatient = await startTestApp({ config: { lockTimeoutMs: 300 } });
      impatient.setNow(NOW);
      const locker = await rawClient('owner');
      try {
        await locker.query('begin');
        await locker.query('select id from sessions where id = $1 for update', [rowIds([sessions[4].id])[0]]);
        const res = await impatient.gql(
          `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code } } }`,
          { input: { sessionId: sessions[4].id, present: [], absent: [], idempotencyKey: 'impatient-roll' } },
          { token: agent },
        );
        expect(res.status).toBe(503);
        expect(res.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect(await keysNamed('impatient-roll')).toBe(0);
      } finally {
        await locker.query('rollback');
        await locker.end();
        await impatient.close();
      }
    });

    it('answers 503 when the database is unreachable', async () => {
      const url = new URL(process.env.GUICHET_TEST_APP_URL!);
      url.port = '1';
      const cut = await startTestApp({ clientUrl: url.toString(), config: { dbAcquireTimeoutMs: 1000 } });
      try {
        const directory = await cut.gql('{ tenants { slug } }');
        expect(directory.status).toBe(503);
        expect(directory.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
        const signedIn = await cut.gql('{ viewer { kind } }', {}, { token: agent });
        expect(signedIn.status).toBe(503);
        expect((await fetch(`${cut.url}/readyz`)).status).toBe(503);
      } finally {
        await cut.close();
      }
    });
  });
});
