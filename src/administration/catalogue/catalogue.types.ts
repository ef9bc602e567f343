import { Field, ID, InputType, Int } from 'type-graphql';
import { FacilityKind } from '../../facilities/facility.entity';
import { FacilityType, ServiceType } from '../../facilities/facility.types';
import { BillingUnit, ServiceKind } from '../../facilities/service.entity';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { WaitlistOrdering, WaitlistPromotion } from '../../tenants/waitlist-settings';

@InputType('FacilityInput', { description: 'A school, crèche, leisure centre or other place.' })
export class FacilityInput {
  @TextField({ description: 'Name, 1 to 255 characters.' })
  name!: string;

  @Field(() => FacilityKind, { description: 'Kind of place.' })
  kind!: FacilityKind;

  @TextField({ nullable: true, maxLength: 500, description: 'Address, at most 500 characters.' })
  address?: string | null;

  @Field(() => Int, {
    description:
      'Physical capacity: children present at once, 0 to 10,000 (walk-ins never exceed it; the booked capacity is each service’s defaultCapacity).',
  })
  capacity!: number;

  @TextField({
    nullable: true,
    maxLength: 8,
    description:
      'A school’s national code (UAI: seven digits and its check letter, e.g. 0301001A); INVALID otherwise.',
  })
  nationalCode?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'A temporary facility (a summer leisure centre) closes after this date (not in the past).',
  })
  endsOn?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('UpdateFacilityInput', { description: 'Changes to a facility; omitted fields stay as they are.' })
export class UpdateFacilityInput {
  @IdField('Facility', { description: 'The facility.' })
  facilityId!: string;

  @TextField({ nullable: true, description: 'Name.' })
  name?: string | null;

  @TextField({ nullable: true, maxLength: 500, description: 'Address; an empty string clears it.' })
  address?: string | null;

  @Field(() => Int, { nullable: true, description: 'Physical capacity, 0 to 10,000.' })
  capacity?: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'Temporary until this date.' })
  endsOn?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: the facility becomes permanent (no end date).',
  })
  permanent?: boolean | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('BookingPolicyInput', {
  description:
    "When a service's sessions are booked and cancelled (the tenant's time zone); omitted fields keep their value (or the default).",
})
export class BookingPolicyInput {
  @Field(() => DateTime, {
    nullable: true,
    description: 'Booking opens at this instant (e.g. 4 June 12:30).',
  })
  opensAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Or: booking opens this many days before each session (1 to 400).',
  })
  opensDaysBefore?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Booking closes this many days before the session (0 to 60; default 1)…',
  })
  closesDaysBefore?: number | null;

  @TextField({ nullable: true, maxLength: 5, description: '…at this local time, HH:MM (default 10:00).' })
  closesAtTime?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Closing days count working days only.' })
  closesOnWorkingDays?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: "Notice days for a free cancellation (0 to 60); default: the tenant's.",
  })
  cancellationNoticeDays?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A booked child absent without justification is billed (default true).',
  })
  billsUnjustifiedAbsence?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Children may attend without a reservation (walk-ins).',
  })
  allowsWalkIns?: boolean | null;
}

@InputType('ServiceInput', { description: 'What a facility offers.' })
export class ServiceInput {
  @IdField('Facility', { description: 'The facility offering it.' })
  facilityId!: string;

  @Field(() => ServiceKind, { description: 'Kind of service.' })
  kind!: ServiceKind;

  @TextField({ description: 'Name, 1 to 255 characters, e.g. "Cantine — école Jean Jaurès".' })
  name!: string;

  @Field(() => BillingUnit, { description: 'What one charge counts.' })
  unit!: BillingUnit;

  @Field(() => Int, { description: 'Booked capacity of new sessions, 0 to 10,000.' })
  defaultCapacity!: number;

  @Field(() => BookingPolicyInput, { nullable: true, description: 'Booking policy; defaults when omitted.' })
  bookingPolicy?: BookingPolicyInput | null;

  @Field(() => WaitlistOrdering, {
    nullable: true,
    description: "Waitlist ordering; the tenant's when omitted.",
  })
  waitlistOrdering?: WaitlistOrdering | null;

  @Field(() => WaitlistPromotion, {
    nullable: true,
    description: "Waitlist promotion; the tenant's when omitted.",
  })
  waitlistPromotion?: WaitlistPromotion | null;

  @Field(() => Int, {
    nullable: true,
    description: "Hours to answer a waitlist offer (1 to 336); the tenant's when omitted.",
  })
  waitlistOfferHours?: number | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('UpdateServiceInput', { description: 'Changes to a service; omitted fields stay as they are.' })
export class UpdateServiceInput {
  @IdField('Service', { description: 'The service.' })
  serviceId!: string;

  @TextField({ nullable: true, description: 'Name.' })
  name?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Booked capacity of new sessions (existing ones: setSessionCapacity).',
  })
  defaultCapacity?: number | null;

  @Field(() => BookingPolicyInput, {
    nullable: true,
    description: 'Booking policy changes (the fields given).',
  })
  bookingPolicy?: BookingPolicyInput | null;

  @Field(() => WaitlistOrdering, { nullable: true, description: 'Waitlist ordering.' })
  waitlistOrdering?: WaitlistOrdering | null;

  @Field(() => WaitlistPromotion, { nullable: true, description: 'Waitlist promotion.' })
  waitlistPromotion?: WaitlistPromotion | null;

  @Field(() => Int, { nullable: true, description: 'Hours to answer a waitlist offer (1 to 336).' })
  waitlistOfferHours?: number | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ArchiveFacilityInput', { description: 'The facility to archive, with its services.' })
export class ArchiveFacilityInput {
  @IdField('Facility', { description: 'The facility.' })
  facilityId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ArchiveServiceInput', { description: 'The service to archive.' })
export class ArchiveServiceInput {
  @IdField('Service', { description: 'The service.' })
  serviceId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

const facilityPayload = (name: string) =>
  payloadType(`${name}Payload`, `Result of ${name[0].toLowerCase()}${name.slice(1)}.`, {
    facility: { type: () => FacilityType, nullable: true, description: 'The facility, as it now is.' },
  });
const servicePayload = (name: string) =>
  payloadType(`${name}Payload`, `Result of ${name[0].toLowerCase()}${name.slice(1)}.`, {
    service: { type: () => ServiceType, nullable: true, description: 'The service, as it now is.' },
  });

export const CreateFacilityPayload = facilityPayload('CreateFacility');
export const UpdateFacilityPayload = facilityPayload('UpdateFacility');
export const CreateServicePayload = servicePayload('CreateService');
export const UpdateServicePayload = servicePayload('UpdateService');
export const ArchiveFacilityPayload = payloadType('ArchiveFacilityPayload', 'Result of archiveFacility.', {
  archivedFacilityId: { type: () => ID, nullable: true, description: 'The facility archived.' },
  sessionsRemoved: {
    type: () => Int,
    nullable: true,
    description: 'Future sessions of its services that nobody booked, removed.',
  },
});
export const ArchiveServicePayload = payloadType('ArchiveServicePayload', 'Result of archiveService.', {
  archivedServiceId: { type: () => ID, nullable: true, description: 'The service archived.' },
  sessionsRemoved: {
    type: () => Int,
    nullable: true,
    description: 'Its future sessions that nobody booked, removed.',
  },
});
