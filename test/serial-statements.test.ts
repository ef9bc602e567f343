import type { Client } from 'pg';
import { oneStatementAtATime } from '../src/db/serial-statements';
import { rawClient } from './support/app';

/**
 * The batch loaders of a GraphQL level dispatch in the same tick onto a unit's one connection;
 * src/db/serial-statements.ts sends them one at a time, in order, instead of leaving pg to queue
 * them (deprecated in pg 8, refused by pg 9).
 */
describe('one statement at a time on a connection', () => {
  let client: Client;
  /** At each statement pg was given: whether pg was still busy with another one. */
  const busyAtSend: boolean[] = [];

  beforeAll(async () => {
    client = await rawClient('owner');
    const connection = client as unknown as {
      query: (...args: unknown[]) => unknown;
      readyForQuery: boolean;
    };
    const query = connection.query;
    connection.query = function (this: typeof connection, ...args: unknown[]) {
      busyAtSend.push(!this.readyForQuery);
      return query.apply(this, args);
    };
    oneStatementAtATime(connection as unknown as Parameters<typeof oneStatementAtATime>[0]);
  });
  afterAll(() => client.end());

  it('sends statements asked at once one after the other, each answered in its own way and order', async () => {
    busyAtSend.length = 0;
    const order: string[] = [];
    await client.query('begin');
    const callbackStyle = () =>
      new Promise<number>((resolve, reject) =>
        client.query(
          'select 2 as n from pg_sleep(0.02)',
          (error: Error | null, result: { rows: { n: number }[] }) => {
            order.push('callback');
            if (error) reject(error);
            else resolve(result.rows[0].n);
          },
        ),
      );
    const answers = await Promise.all([
      client.query('select 1 as n from pg_sleep(0.02)').then((r) => (order.push('first'), r.rows[0].n)),
      callbackStyle(),
      client
        .query({ text: 'select $1::int as n', values: [3] })
        .then((r) => (order.push('third'), r.rows[0].n)),
      client.query('select 1 / $1 as n', [0]).catch((error: Error) => (order.push('fourth'), error.message)),
      // After a failed statement the transaction is aborted: the next one says so, in its turn.
      client.query('select 5 as n').catch((error: Error) => (order.push('fifth'), error.message)),
    ]);
    await client.query('rollback');
    expect(answers).toEqual([1, 2, 3, 'division by zero', expect.stringMatching(/transaction is aborted/)]);
    expect(order).toEqual(['first', 'callback', 'third', 'fourth', 'fifth']);
    // pg was idle at every send: nothing waited in its own (deprecated) queue.
    expect(busyAtSend).toHaveLength(7);
    expect(busyAtSend.every((busy) => !busy)).toBe(true);
  });

  it('answers the statements still waiting when the connection ends', async () => {
    const doomed = await rawClient('owner');
    doomed.on('error', () => undefined);
    oneStatementAtATime(doomed as unknown as Parameters<typeof oneStatementAtATime>[0]);
    const pid = (await doomed.query('select pg_backend_pid() as pid')).rows[0].pid;
    const asked = [
      doomed.query('select pg_sleep(5)'),
      doomed.query('select 1'),
      doomed.query('select 2'),
    ].map((p) =>
      p.then(
        () => 'answered',
        () => 'refused',
      ),
    );
    await client.query('select pg_terminate_backend($1)', [pid]);
    expect(await Promise.all(asked)).toEqual(['refused', 'refused', 'refused']);
  });

  it('goes on after a statement that throws before it is sent', async () => {
    await expect(client.query(null as unknown as string)).rejects.toThrow(/null or undefined/);
    expect((await client.query('select 6 as n')).rows).toEqual([{ n: 6 }]);
  });
});
