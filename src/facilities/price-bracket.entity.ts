import { Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import type { Service } from './service.entity';

/**
 * One line of a service's price grid (grille tarifaire): the unit price for families whose
 * quotient is in [minQuotient, maxQuotient), valid on [validFrom, validTo]. A null maxQuotient is
 * the top bracket, also applied to families with no quotient on file.
 */
@Entity({ tableName: 'price_brackets' })
export class PriceBracket extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Service', ref: true, fieldName: 'service_id' })
  service!: Ref<Service>;

  @Property()
  minQuotient: number = 0;

  @Property({ type: 'integer', nullable: true })
  maxQuotient?: number | null;

  /** Integer minor units in the tenant's currency. */
  @Property()
  unitPrice!: number;

  @Property({ type: 'string', columnType: 'date' })
  validFrom!: string;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  validTo?: string | null;
}
