import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import type pino from 'pino';
import { ENTITIES, TENANT_OWNED_ENTITIES } from './entities';
import { MIGRATIONS } from '../migrations';
import { TENANT_FILTER } from '../shared/tenant-owned';
import { rideOnBegin } from './begin-rider';
import { prepareStatementsOn } from './prepared-statements';
import { oneStatementAtATime } from './serial-statements';
import { QueryLogger, type QueryObserver } from './query-logger';

export interface OrmOptions {
  clientUrl: string;
  logger: pino.Logger;
  poolMax?: number;
  /** How long a unit of work waits for a pool connection before SERVICE_UNAVAILABLE (ms). */
  acquireTimeoutMs?: number;
  /** Whether to connect at once (default); false lets the API start while the database is down. */
  connect?: boolean;
  /** Called for every SQL statement with the forked EntityManager's logger context. */
  onQuery?: QueryObserver;
}

export function ormConfig(options: OrmOptions): Options {
  return {
    clientUrl: options.clientUrl,
    connect: options.connect ?? true,
    entities: ENTITIES,
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator, SeedManager],
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    filters: {
      [TENANT_FILTER]: {
        cond: (args: { tenantId: string }) => ({ tenantId: args.tenantId }),
        entity: TENANT_OWNED_ENTITIES.map((e) => e.name),
        default: true,
      },
    },
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      acquireTimeoutMillis: options.acquireTimeoutMs ?? 5000,
      // Parameterised statements are prepared once per connection (src/db/prepared-statements.ts);
      // a unit's scope goes with its BEGIN (src/db/begin-rider.ts); one statement at a time
      // (src/db/serial-statements.ts).
      afterCreate: (
        connection: Parameters<typeof prepareStatementsOn>[0] & Parameters<typeof oneStatementAtATime>[0],
        done: (error: Error | null, connection: unknown) => void,
      ) => {
        prepareStatementsOn(connection);
        rideOnBegin(connection);
        // Outermost: the batch loaders' statements wait their turn here, not in pg's queue.
        oneStatementAtATime(connection);
        done(null, connection);
      },
    },
    forceUtcTimezone: true,
    debug: ['query'],
    loggerFactory: () => new QueryLogger(options.logger, options.onQuery),
    // A detached entity must never be loaded by accident outside a request's transaction.
    allowGlobalContext: false,
  };
}

export function initOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}
