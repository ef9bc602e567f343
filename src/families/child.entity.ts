import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import { Facility } from '../facilities/facility.entity';
import type { Family } from './family.entity';

/** Meal regime the kitchen plans for (régime alimentaire). ALLERGY_PLAN = PAI. */
export enum Diet {
  STANDARD = 'STANDARD',
  NO_PORK = 'NO_PORK',
  VEGETARIAN = 'VEGETARIAN',
  ALLERGY_PLAN = 'ALLERGY_PLAN',
}

@Entity({ tableName: 'children' })
export class Child extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Family', ref: true, fieldName: 'family_id' })
  family!: Ref<Family>;

  @Property()
  firstName!: string;

  @Property()
  lastName!: string;

  @Property({ type: 'string', columnType: 'date' })
  birthDate!: string;

  /** The school (or crèche) the child attends, if any. */
  @ManyToOne(() => Facility, { ref: true, nullable: true, fieldName: 'school_id' })
  school?: Ref<Facility> | null;

  /** Class or group, e.g. "CE2", "Moyenne section". */
  @Property({ type: 'string', nullable: true })
  schoolClass?: string | null;

  @Enum({ items: () => Diet, nativeEnumName: 'diet' })
  diet: Diet = Diet.STANDARD;

  /** Identifier in the tenant's previous software (legacy imports match children by it). */
  @Property({ type: 'string', nullable: true })
  externalRef?: string | null;

  /** Archived: out of lists and bookings, still on invoices and in history. */
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  /** Merged into this child (the record kept): its identifiers resolve there. */
  @Property({ type: 'uuid', nullable: true })
  mergedIntoId?: string | null;
}
