import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../../shared/tenant-owned';

/** A payment plan (échelonnement): some open invoices spread over monthly instalments. */
@Entity({ tableName: 'payment_plans' })
export class PaymentPlan extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  familyId!: string;

  /** What was left to pay on its invoices when it was agreed. */
  @Property()
  total!: number;

  @Property({ length: 3 })
  currency!: string;

  @Property()
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** One dated share of a plan. Its paid part is derived from the payments on the plan's invoices. */
@Entity({ tableName: 'instalments' })
export class Instalment extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  planId!: string;

  @Property()
  position!: number;

  @Property({ type: 'string', columnType: 'date' })
  dueDate!: string;

  @Property()
  amount!: number;
}
