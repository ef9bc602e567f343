import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Access, STAFF, TENANT_ADMIN } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { afterCommit } from '../graphql/payload';
import { generateSessions } from './generate-sessions.service';
import { setSessionCapacity } from './capacity.service';
import {
  GenerateSessionsInput,
  GenerateSessionsPayload,
  SetSessionCapacityInput,
  SetSessionCapacityPayload,
} from './generate-sessions.types';

@Resolver()
export class SessionAdminResolver {
  @Access(TENANT_ADMIN)
  @Mutation(() => GenerateSessionsPayload, {
    description:
      "Create every session of a service (or of the same service at several facilities) from `from` to `to` on the given weekdays, skipping the days its calendars close: the tenant's public holidays, school holidays for canteens and périscolaire, the tenant's closure periods. Idempotent by nature: a session exists once per service, date and period, so running it again (whatever the key) creates only what is missing and reports the rest as EXISTING. INVALID for reversed dates, a range over 400 days, no weekday or a capacity out of range; NOT_FOUND for an unknown service or facility. Tenant admins; audited; retry-safe with idempotencyKey.",
  })
  async generateSessions(
    @Arg('input', { description: 'Service, facilities, range, weekdays, period and capacity.' })
    input: GenerateSessionsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await generateSessions(ctx, input);
    return { ...(value ?? {}), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => SetSessionCapacityPayload, {
    description:
      "Change a session's bookable capacity. Raising it frees places, which the session's waitlist gets at once, first entry first, in the same transaction (booked or offered, as its policy says); lowering it below the places taken and held is refused (INVALID, the message gives their number). NOT_FOUND for an unknown session. Agents and tenant admins; audited (before → after); retry-safe with idempotencyKey.",
  })
  async setSessionCapacity(
    @Arg('input', { description: 'Session and capacity.' }) input: SetSessionCapacityInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setSessionCapacity(ctx, input);
    return {
      session: afterCommit((read) => (value ? read.loaders.sessionById.load(value.sessionId) : null)),
      userErrors,
    };
  }
}
