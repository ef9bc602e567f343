import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

/**
 * A period the tenant itself closes (a strike day, works, school holidays not yet in the data
 * file): for every facility or one, for every service kind or some. PostgreSQL refuses a session
 * on such a day (trigger `sessions_open_day`); `generateSessions` skips it.
 */
@Entity({ tableName: 'closure_periods' })
export class ClosurePeriod extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  name!: string;

  /** First closed day (tenant-local), inclusive. */
  @Property({ type: 'string', columnType: 'date' })
  startsOn!: string;

  /** Last closed day, inclusive. */
  @Property({ type: 'string', columnType: 'date' })
  endsOn!: string;

  /** Only this facility; every facility when null. */
  @Property({ type: 'uuid', nullable: true })
  facilityId?: string | null;

  /** Only services of these kinds; every service when empty. */
  @Property({ type: 'array', columnType: 'text[]' })
  serviceKinds: string[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
