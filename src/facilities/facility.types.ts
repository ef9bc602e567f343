import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { Access, type AccessRule } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { IdField } from '../graphql/inputs';
import { MoneyType } from '../graphql/money';
import { Node } from '../graphql/node';
import { DateTime, LocalDate } from '../graphql/scalars';
import { FacilityKind } from './facility.entity';
import { Audience, BillingUnit, ServiceKind } from './service.entity';

registerEnumType(FacilityKind, {
  name: 'FacilityKind',
  description: 'What kind of place a facility is.',
  valuesConfig: {
    SCHOOL: { description: 'A school, with its canteen and périscolaire.' },
    NURSERY: { description: 'A crèche.' },
    LEISURE_CENTRE: { description: 'A leisure centre (centre de loisirs, centre aéré).' },
    CHILDCARE_CENTRE: { description: 'A childcare centre (CPE, garderie).' },
    OTHER: { description: 'Any other place, e.g. the water network.' },
  },
});

registerEnumType(ServiceKind, {
  name: 'ServiceKind',
  description: 'What a service is.',
  valuesConfig: {
    CANTEEN: { description: 'School lunch (restauration scolaire).' },
    PERISCHOOL: { description: 'Before/after-school care (périscolaire).' },
    LEISURE_CENTRE: { description: 'Days at a leisure centre.' },
    NURSERY: { description: 'Crèche attendance.' },
    CHILDCARE_PLACE: { description: 'A childcare place allocated from a waitlist.' },
    WATER: { description: 'Water supply, billed by monthly direct debit.' },
  },
});

registerEnumType(BillingUnit, {
  name: 'BillingUnit',
  description: 'What one charge of a service counts.',
  valuesConfig: {
    MEAL: { description: 'One meal.' },
    HALF_DAY: { description: 'Half a day.' },
    DAY: { description: 'A full day.' },
    HOUR: { description: 'One hour.' },
    MONTH: { description: 'One month.' },
    CUBIC_METRE: { description: 'One cubic metre of water.' },
  },
});

/**
 * The tenant's offer (facilities, services, sessions, prices) is public within the tenant: parents,
 * staff and every operational key (catalog:read, and the keys that book, take the roll or read
 * meals, which need to name what they act on).
 */
export const CATALOG_READERS: AccessRule = {
  scopes: [Scope.CATALOG_READ, Scope.RESERVATIONS_WRITE, Scope.ATTENDANCE_WRITE, Scope.MEALS_READ],
  parents: true,
};

@Access(CATALOG_READERS)
@ObjectType('Facility', {
  implements: Node,
  description: 'A school, crèche, leisure centre or childcare centre.',
})
export class FacilityType extends Node {
  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => FacilityKind, { description: 'Kind of place.' })
  kind!: FacilityKind;

  @Field(() => Int, { description: 'Physical capacity: children present at once.' })
  capacity!: number;

  @Field(() => String, { nullable: true, description: 'Address.' })
  address?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A school's national code (UAI, unité administrative immatriculée): seven digits, the first three the département (030 for the Gard), and a check letter, e.g. 0301001A. What caterers and the State's systems name a school by. Null for places without one (crèches, leisure centres).",
  })
  nationalCode?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'A temporary facility (a summer leisure centre) closes after this date; null: permanent.',
  })
  endsOn?: string | null;
}

@Access(CATALOG_READERS)
@ObjectType('BookingPolicy', {
  description: "When a service's sessions can be booked and cancelled; computed in the tenant's time zone.",
})
export class BookingPolicyType {
  @Field(() => DateTime, {
    nullable: true,
    description: 'Booking opens at this instant (e.g. 4 June 12:30).',
  })
  opensAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Booking opens this many days before each session.' })
  opensDaysBefore?: number | null;

  @Field(() => Int, { description: 'Booking closes this many days before the session…' })
  closesDaysBefore!: number;

  @Field({ description: '…at this local time (HH:MM).' })
  closesAtTime!: string;

  @Field({
    description: 'Whether closing days count working days only (weekends and public holidays skipped).',
  })
  closesOnWorkingDays!: boolean;

  @Field(() => Int, { description: 'Days before a session after which cancelling is billed.' })
  cancellationNoticeDays!: number;

  @Field({ description: 'Whether children may attend without a reservation in normal mode.' })
  allowsWalkIns!: boolean;
}

@Access(CATALOG_READERS)
@ObjectType('PriceBracket', {
  description:
    'One line of a price grid: the unit price for a range of family quotients, over a validity period.',
})
export class PriceBracketType {
  @Field(() => Int, { description: 'Lowest family quotient of the bracket (inclusive).' })
  minQuotient!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Highest family quotient (exclusive); null for the top bracket.',
  })
  maxQuotient?: number | null;

  @Field(() => MoneyType, { description: 'Price of one unit.' })
  unitPrice!: MoneyType;

  @Field(() => LocalDate, { description: 'First day the price applies.' })
  validFrom!: string;

  @Field(() => LocalDate, { nullable: true, description: 'Last day the price applies; null while current.' })
  validTo?: string | null;
}

@Access(CATALOG_READERS)
@ObjectType('Service', {
  implements: Node,
  description: 'What a facility offers: canteen, périscolaire, crèche…',
})
export class ServiceType extends Node {
  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => ServiceKind, { description: 'Kind of service.' })
  kind!: ServiceKind;

  @Field(() => BillingUnit, { description: 'What one charge counts.' })
  unit!: BillingUnit;

  @Field(() => Int, { description: 'Capacity of new sessions.' })
  defaultCapacity!: number;

  @Field({
    description:
      "Whether the tenant's public holidays close the service (no session, no booking that day). True for every kind but water, unless configured otherwise.",
  })
  closedOnPublicHolidays!: boolean;

  @Field({
    description:
      "Whether the tenant's school holidays close the service: canteens and périscolaire follow school days; leisure centres open in the holidays.",
  })
  closedOnSchoolHolidays!: boolean;

  @Field(() => Audience, { description: 'Whom the service takes (besides its age range).' })
  audience!: Audience;

  @Field(() => Int, {
    nullable: true,
    description: "Youngest age taken, in whole months on the session's date (inclusive); null: no minimum.",
  })
  minAgeMonths?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Age from which a child is no longer taken, in whole months (exclusive); null: no maximum.',
  })
  maxAgeMonths?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The service's own notice to families (e.g. its outage), to show beside the tenant's.",
  })
  publicNotice?: string | null;
}

registerEnumType(Audience, {
  name: 'ServiceAudience',
  description: 'Whom a service takes.',
  valuesConfig: {
    ANY: { description: 'Any child of the tenant within the age range.' },
    SCHOOL_PUPILS: {
      description:
        "The pupils of the service's school (canteen, périscolaire), unless the town opens it to others.",
    },
    PRE_SCHOOL: { description: 'Children not yet at school (crèche).' },
  },
});

export const FacilityConnection = connectionOf(FacilityType, 'Facility');
export const ServiceConnection = connectionOf(ServiceType, 'Service');

@ArgsType()
export class FacilitiesArgs extends PageArgs {
  @Field(() => FacilityKind, { nullable: true, description: 'Only facilities of this kind.' })
  kind?: FacilityKind | null;
}

@ArgsType()
export class ServicesArgs extends PageArgs {
  @Field(() => ServiceKind, { nullable: true, description: 'Only services of this kind.' })
  kind?: ServiceKind | null;

  @IdField('Facility', { nullable: true, description: 'Only services of this facility.' })
  facilityId?: string | null;
}
