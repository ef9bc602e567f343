import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { beginWith } from '../src/db/begin-rider';
import { commitWithTail, executeAtCommit, openCommitTail } from '../src/db/commit-tail';
import { initOrm } from '../src/db/orm';
import { executeTogether } from '../src/db/sql-prepared';
import { createLogger } from '../src/shared/logger';
import { rawClient } from './support/app';

/**
 * A unit's first statement rides on its BEGIN (src/db/begin-rider.ts). The statements a unit defers to its COMMIT (src/db/commit-tail.ts) are part of its transaction:
 * they commit with it in one round trip, or — when one of them fails — nothing of the transaction
 * is committed and the connection goes back to the pool usable.
 */
describe('statements sent with COMMIT', () => {
  let orm: MikroORM;
  let owner: Client;
  const seen: string[] = [];

  beforeAll(async () => {
    owner = await rawClient('owner');
    await owner.query(
      `drop table if exists commit_tail_probe;
       create table commit_tail_probe (id int primary key, note text not null check (note <> 'bad'))`,
    );
    // One connection: a connection left in a failed transaction would break the next test.
    orm = await initOrm({
      clientUrl: process.env.GUICHET_TEST_OWNER_URL!,
      logger: createLogger('silent'),
      poolMax: 1,
      onQuery: (context) => {
        if (context.requestId === 'tail') seen.push(String(context.query));
      },
    });
  });
  afterAll(async () => {
    await owner.query('drop table if exists commit_tail_probe');
    await owner.end();
    await orm.close(true);
  });

  const unit = async () => {
    const tx = orm.em.fork({ loggerContext: { requestId: 'tail' } }) as EntityManager;
    await tx.begin();
    openCommitTail(tx);
    return tx;
  };
  const notes = async () =>
    (await owner.query('select id, note from commit_tail_probe order by id')).rows.map(
      (r: { id: number; note: string }) => `${r.id}:${r.note}`,
    );

  it('commits the deferred statements with the transaction, quotes and backslashes intact', async () => {
    const tx = await unit();
    await tx.execute('insert into commit_tail_probe values (1, ?)', ['first']);
    const tricky = `l'apostrophe \\ et "guillemets"; drop table commit_tail_probe; --`;
    await executeAtCommit(tx, 'insert into commit_tail_probe values (?, ?)', [2, tricky]);
    await executeAtCommit(tx, 'update commit_tail_probe set note = note || ? where id = ?', ['!', 1]);
    // Deferred: not in the transaction yet.
    expect((await tx.execute('select count(*)::int as n from commit_tail_probe'))[0].n).toBe(1);
    await commitWithTail(tx);
    expect(await notes()).toEqual(['1:first!', `2:${tricky}`]);
    // Logged like every statement (tests count statements per request).
    expect(seen.some((sql) => sql.startsWith('insert into commit_tail_probe values (2,'))).toBe(true);
  });

  it('commits nothing when a deferred statement fails, and leaves the connection usable', async () => {
    const tx = await unit();
    await tx.execute('insert into commit_tail_probe values (3, ?)', ['third']);
    await executeAtCommit(tx, 'insert into commit_tail_probe values (?, ?)', [4, 'bad']);
    await expect(commitWithTail(tx)).rejects.toThrow(/commit_tail_probe_note_check/);
    await tx.rollback().catch(() => undefined);
    expect(await notes()).toEqual([
      '1:first!',
      `2:l'apostrophe \\ et "guillemets"; drop table commit_tail_probe; --`,
    ]);
    // The pool's only connection is out of the failed transaction.
    const next = await unit();
    await next.execute('insert into commit_tail_probe values (5, ?)', ['fifth']);
    await commitWithTail(next);
    expect(await notes()).toContain('5:fifth');
  });

  it('prepares each statement once per connection, a failed batch included', async () => {
    const text = 'insert into commit_tail_probe (note, id) values (?, ?)';
    // First seen in a batch that fails after its PREPARE ran (ROLLBACK does not undo a PREPARE).
    const tx = await unit();
    await executeAtCommit(tx, text, ['bad', 7]);
    await expect(commitWithTail(tx)).rejects.toThrow(/commit_tail_probe_note_check/);
    await tx.rollback().catch(() => undefined);
    for (const id of [8, 9]) {
      const next = await unit();
      await executeAtCommit(next, text, ['again', id]);
      await commitWithTail(next);
    }
    expect(await notes()).toEqual(expect.arrayContaining(['8:again', '9:again']));
    expect(await notes()).not.toContain('7:bad');
    // The pool's only connection holds it prepared, once.
    const [{ n }] = await orm.em
      .fork()
      .execute(
        `select count(*)::int as n from pg_prepared_statements where from_sql and statement like '%(note, id)%'`,
      );
    expect(n).toBe(1);
  });

  it('sends a statement with BEGIN, inside the transaction, and survives its failure', async () => {
    const tx = orm.em.fork() as EntityManager;
    const rows = await beginWith<{ v: string }>(
      tx,
      { readOnly: true },
      `select set_config('guichet.probe', ?, true) as v`,
      [`l'un`],
    );
    expect(rows).toEqual([{ v: `l'un` }]);
    // Transaction-local: the setting is there inside the transaction, gone after it.
    expect((await tx.execute(`select current_setting('guichet.probe') as v`))[0].v).toBe(`l'un`);
    await tx.commit();
    const failing = orm.em.fork() as EntityManager;
    await expect(beginWith(failing, { readOnly: false }, 'select 1 / ? as v', [0])).rejects.toThrow(
      /division by zero/,
    );
    // The pool's only connection is out of the failed transaction.
    const next = await unit();
    await next.execute('insert into commit_tail_probe values (7, ?)', ['after']);
    await commitWithTail(next);
    expect(await notes()).toContain('7:after');
    // The failed batch's PREPARE ran (ROLLBACK does not undo it): the same text again is only
    // EXECUTEd, and the connection holds it once.
    const again = orm.em.fork() as EntityManager;
    expect(await beginWith(again, { readOnly: false }, 'select 1 / ? as v', [1])).toEqual([{ v: 1 }]);
    await again.commit();
    const [{ n }] = await orm.em
      .fork()
      .execute(
        `select count(*)::int as n from pg_prepared_statements where from_sql and statement like '%select 1 / $1%'`,
      );
    expect(n).toBe(1);
  });

  it('runs statements together in one round trip, each prepared once, a failed batch included', async () => {
    const count = 'select count(*)::int as n from commit_tail_probe where note = ?';
    const echo = `select ?::text as v, ?::int + 1 as w`;
    const tx = await unit();
    await tx.execute('insert into commit_tail_probe values (20, ?)', [`l'autre`]);
    const sent: string[] = [];
    const connection = await (
      tx.getTransactionContext() as {
        client: { acquireConnection(): Promise<{ query: (...a: unknown[]) => unknown }> };
      }
    ).client.acquireConnection();
    const query = connection.query;
    connection.query = function (this: unknown, ...args: unknown[]) {
      sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text));
      return query.apply(this, args);
    };
    try {
      // Inside the transaction (its own uncommitted row counted), in order.
      expect(
        await executeTogether(tx, [
          { sql: count, params: [`l'autre`] },
          { sql: echo, params: [`a'b`, 41] },
        ]),
      ).toEqual([[{ n: 1 }], [{ v: `a'b`, w: 42 }]]);
      // Then one query per batch: the PREPAREs went first, alone, on this connection's first use.
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatch(/^PREPARE [^]*;\nPREPARE /);
      expect(sent[1]).toMatch(/^EXECUTE [^]*;\nEXECUTE /);
      sent.length = 0;
      await expect(
        executeTogether(tx, [
          { sql: echo, params: ['x', 1] },
          { sql: 'select 2 / ? as v', params: [0] },
        ]),
      ).rejects.toThrow(/division by zero/);
      // Its new statement's PREPARE alone, then the EXECUTEs.
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatch(/^PREPARE \S+ AS select 2 \/ \$1 as v$/);
    } finally {
      connection.query = query;
    }
    await tx.rollback();
    // After the failed batch: its PREPARE is known, the next batch only EXECUTEs, and the
    // connection holds each statement once.
    const next = await unit();
    expect(
      await executeTogether(next, [
        { sql: 'select 2 / ? as v', params: [1] },
        { sql: count, params: [`l'autre`] },
      ]),
    ).toEqual([[{ v: 2 }], [{ n: 0 }]]);
    await next.rollback();
    const [{ n }] = await orm.em.fork().execute(
      `select count(*)::int as n from pg_prepared_statements where from_sql
         and (statement like '%select 2 / $1%' or statement like '%::int + 1 as w%' or statement like '%where note = $1%')`,
    );
    // (A PREPARE of a name the connection holds would have failed its batch.)
    expect(n).toBe(3);
  });

  it('runs the statement at once outside a unit', async () => {
    const em = orm.em.fork() as EntityManager;
    await em.begin();
    await executeAtCommit(em, 'insert into commit_tail_probe values (?, ?)', [6, 'now']);
    expect((await em.execute('select count(*)::int as n from commit_tail_probe where id = 6'))[0].n).toBe(1);
    await em.rollback();
  });
});
