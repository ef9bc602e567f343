import { Collection, Entity, Enum, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantOwned } from '../shared/tenant-owned';
import { Service } from './service.entity';

export enum FacilityKind {
  SCHOOL = 'SCHOOL',
  NURSERY = 'NURSERY',
  LEISURE_CENTRE = 'LEISURE_CENTRE',
  CHILDCARE_CENTRE = 'CHILDCARE_CENTRE',
  /** A non-physical place, e.g. the water network or the town hall counter. */
  OTHER = 'OTHER',
}

/** A school, crèche, leisure centre or childcare centre. */
@Entity({ tableName: 'facilities' })
export class Facility extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  name!: string;

  @Enum({ items: () => FacilityKind, nativeEnumName: 'facility_kind' })
  kind!: FacilityKind;

  /** Physical capacity (children present at once); walk-ins can never exceed it. */
  @Property()
  capacity!: number;

  @Property({ type: 'text', nullable: true })
  address?: string | null;

  /** A school's national code (UAI, e.g. 0301001A: seven digits and a check letter); null for other places. */
  @Property({ type: 'string', length: 8, nullable: true })
  nationalCode?: string | null;

  /** A temporary facility (a summer leisure centre) closes after this date. */
  @Property({ type: 'string', columnType: 'date', nullable: true })
  endsOn?: string | null;

  /** Archived: out of the catalogue, still in history. */
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  @OneToMany(() => Service, (service) => service.facility)
  services = new Collection<Service>(this);
}
