type Callback = (error: Error | null, result: unknown) => void;

interface PgConnection {
  query(config: unknown, ...rest: unknown[]): unknown;
  /** pg's own flag: false from a statement's send until PostgreSQL's ReadyForQuery. */
  readyForQuery?: boolean;
  on(event: 'drain' | 'end', listener: () => void): unknown;
  off(event: 'drain' | 'end', listener: () => void): unknown;
}

/**
 * One statement at a time on a connection, in the order asked. A unit of work has one connection,
 * and the batch loaders of a GraphQL level (children, schools, reservations…) dispatch in the same
 * tick: PostgreSQL runs one statement of a connection at a time anyway, but pg 8 queues a query
 * that arrives while another runs only with a deprecation warning, and pg 9 refuses it. They wait
 * here instead, in their order, each sent when the one before has answered.
 *
 * Installed by the pool on each connection it creates (knex's `afterCreate`), around the other
 * wrappers (src/db/prepared-statements.ts, src/db/begin-rider.ts): the call's arguments go through
 * unchanged, its callback (or promise) answered when pg answers. Submittable queries (cursors,
 * streams; Guichet has none) go straight through. Relies on pg 8's `readyForQuery` flag and
 * `drain` event (test/serial-statements.test.ts holds them).
 */
export function oneStatementAtATime(connection: PgConnection): void {
  const query = connection.query;
  let busy = false;
  const waiting: (() => void)[] = [];
  const next = () => {
    const run = waiting.shift();
    if (run) run();
    else busy = false;
  };
  // pg answers a failed statement before PostgreSQL's ReadyForQuery: the next one waits for it
  // (pg's `drain`), or for the connection's end — after which pg refuses every statement at once.
  let ended = false;
  connection.on('end', () => (ended = true));
  const nextWhenReady = () => {
    if (ended || connection.readyForQuery !== false) return next();
    const go = () => {
      connection.off('drain', go);
      connection.off('end', go);
      next();
    };
    connection.on('drain', go);
    connection.on('end', go);
  };
  const enqueue = (run: () => void) => {
    if (busy) waiting.push(run);
    else {
      busy = true;
      run();
    }
  };
  connection.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    if (typeof (config as { submit?: unknown } | null)?.submit === 'function') {
      return query.call(this, config, ...rest);
    }
    const last = rest.length - 1;
    const given = typeof rest[last] === 'function' ? (rest[last] as Callback) : null;
    const send = (answer: Callback) => () => {
      // The same arguments, the callback last in its place (the wrappers below read it there).
      const args = given ? [...rest.slice(0, last), answer] : [...rest, answer];
      try {
        query.call(this, config, ...args);
      } catch (error) {
        answer(error as Error, undefined);
      }
    };
    const settle =
      (then: Callback): Callback =>
      (error, result) => {
        nextWhenReady();
        then(error, result);
      };
    if (given) {
      enqueue(send(settle(given)));
      return undefined;
    }
    return new Promise((resolve, reject) => {
      enqueue(send(settle((error, result) => (error ? reject(error) : resolve(result)))));
    });
  };
}
