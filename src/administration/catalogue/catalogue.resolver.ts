import { Arg, Ctx, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { Access, STAFF, TENANT_ADMIN } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { afterCommit, payloadType } from '../../graphql/payload';
import { SessionType } from '../../sessions/session.types';
import { toGlobalId } from '../../shared/ids';
import { cancelSession } from './cancel-session.service';
import {
  archiveFacility,
  archiveService,
  createFacility,
  createService,
  updateFacility,
  updateService,
} from './catalogue.service';
import {
  ArchiveFacilityInput,
  ArchiveFacilityPayload,
  ArchiveServiceInput,
  ArchiveServicePayload,
  CreateFacilityPayload,
  CreateServicePayload,
  FacilityInput,
  ServiceInput,
  UpdateFacilityInput,
  UpdateFacilityPayload,
  UpdateServiceInput,
  UpdateServicePayload,
} from './catalogue.types';

@InputType('CancelSessionInput', { description: 'A session the town cannot hold.' })
class CancelSessionInput {
  @IdField('Session', { description: 'The session.' })
  sessionId!: string;

  @TextField({
    maxLength: 500,
    description: 'Why, as families read it in their notification (1 to 500 characters), e.g. "grève".',
  })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

const CancelSessionPayload = payloadType('CancelSessionPayload', 'Result of cancelSession.', {
  session: { type: () => SessionType, nullable: true, description: 'The session, cancelled.' },
  reservationsCancelled: {
    type: () => Int,
    nullable: true,
    description: 'Reservations cancelled free of charge.',
  },
  waitlistEntriesClosed: { type: () => Int, nullable: true, description: 'Waitlist entries closed.' },
  invoicedCharges: {
    type: () => Int,
    nullable: true,
    description: 'Charges of late cancellations already invoiced: settle them with a credit note.',
  },
});

const BAD = 'INVALID naming the field for empty or too-long text or numbers out of range';

/** The catalogue (tenant admins) and late session cancellations (staff). */
@Resolver()
export class CatalogueResolver {
  private facility = (value: { facilityId: string } | null) =>
    afterCommit((read) => (value ? read.loaders.facilityById.load(value.facilityId) : null));
  private service = (value: { serviceId: string } | null) =>
    afterCommit((read) => (value ? read.loaders.serviceById.load(value.serviceId) : null));

  @Access(TENANT_ADMIN)
  @Mutation(() => CreateFacilityPayload, {
    description: `Open a facility (kind, address, physical capacity; a temporary one with endsOn). ${BAD}, an invalid national code (UAI) or an endsOn in the past. Tenant admins; audited; retry-safe with idempotencyKey.`,
  })
  async createFacility(
    @Arg('input', { description: 'The facility.' }) input: FacilityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createFacility(ctx, input);
    return { facility: this.facility(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => UpdateFacilityPayload, {
    description: `Change a facility's name, address, physical capacity or end date (permanent: none). ${BAD}; NOT_FOUND for an unknown or archived facility. Tenant admins; audited (before → after); retry-safe with idempotencyKey.`,
  })
  async updateFacility(
    @Arg('input', { description: 'The changes.' }) input: UpdateFacilityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updateFacility(ctx, input);
    return { facility: this.facility(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => ArchiveFacilityPayload, {
    description:
      'Archive a facility and its services: they leave the catalogue, their future sessions nobody booked are removed, history stays. NOT_ALLOWED while a future session of it holds bookings (the message counts them: cancelSession first); NOT_FOUND for an unknown or archived one. Tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async archiveFacility(
    @Arg('input', { description: 'The facility.' }) input: ArchiveFacilityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await archiveFacility(ctx, input);
    return {
      archivedFacilityId: value ? toGlobalId('Facility', value.facilityId) : null,
      sessionsRemoved: value?.sessionsRemoved ?? null,
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CreateServicePayload, {
    description: `Create a service at a facility (kind, unit, booked capacity of new sessions, booking policy, waitlist policy); it takes the audience and calendars of its kind (canteens and périscolaire follow school days). ${BAD}, a closing time not HH:MM, or both opensAt and opensDaysBefore; NOT_FOUND for an unknown or archived facility. Tenant admins; audited; retry-safe with idempotencyKey.`,
  })
  async createService(
    @Arg('input', { description: 'The service.' }) input: ServiceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await createService(ctx, input);
    return { service: this.service(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => UpdateServicePayload, {
    description: `Change a service's name, default capacity, booking policy (the fields given) or waitlist policy; sessions already created keep their capacity (setSessionCapacity). ${BAD}; NOT_FOUND for an unknown or archived service. Tenant admins; audited (before → after); retry-safe with idempotencyKey.`,
  })
  async updateService(
    @Arg('input', { description: 'The changes.' }) input: UpdateServiceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updateService(ctx, input);
    return { service: this.service(value), userErrors };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => ArchiveServicePayload, {
    description:
      'Archive a service: out of the catalogue, no new sessions, its future sessions nobody booked removed. NOT_ALLOWED while a future session holds bookings; NOT_FOUND for an unknown or archived one. Tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async archiveService(
    @Arg('input', { description: 'The service.' }) input: ArchiveServiceInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await archiveService(ctx, input);
    return {
      archivedServiceId: value ? toGlobalId('Service', value.serviceId) : null,
      sessionsRemoved: value?.sessionsRemoved ?? null,
      userErrors,
    };
  }

  @Access(STAFF)
  @Mutation(() => CancelSessionPayload, {
    description:
      'Cancel a session the town cannot hold (a closure decided late): its reservations are cancelled free of charge (uninvoiced charges removed), its waitlist entries closed, each family notified (SESSION_CANCELLED), and nobody can book it again. NOT_ALLOWED for a past or already cancelled session; NOT_FOUND for an unknown one; INVALID for an empty reason. Agents and tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async cancelSession(
    @Arg('input', { description: 'Session and reason.' }) input: CancelSessionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await cancelSession(ctx, input);
    return {
      session: afterCommit((read) => (value ? read.loaders.sessionById.load(value.sessionId) : null)),
      reservationsCancelled: value?.reservationsCancelled ?? null,
      waitlistEntriesClosed: value?.waitlistEntriesClosed ?? null,
      invoicedCharges: value?.invoicedCharges ?? null,
      userErrors,
    };
  }
}
