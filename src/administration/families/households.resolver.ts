import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Scope } from '../../auth/viewer';
import type { Child } from '../../families/child.entity';
import type { Family } from '../../families/family.entity';
import { ChildType, FamilyType } from '../../families/family.types';
import { Access } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { LocalDate } from '../../graphql/scalars';
import { BadInputError } from '../../shared/errors';
import { msg } from '../../shared/i18n';
import { toGlobalId } from '../../shared/ids';
import { OtherHouseholdBookingType } from './family-admin.types';

/** Shared custody, as each reader may see it. */
@Resolver(() => ChildType)
export class ChildHouseholdsResolver {
  @Access({ scopes: [Scope.FAMILIES_READ] })
  @ListLength(2)
  @FieldResolver(() => [FamilyType], {
    description:
      'Every household of the child: its own first, then the others in shared custody (each books and pays its own days). Staff and families:read keys.',
  })
  async households(@Root() child: Child, @Ctx() ctx: GraphQLContext): Promise<Family[]> {
    const ids = await ctx.loaders.householdsByChildId.load(child.id);
    const families = await Promise.all(ids.map((id) => ctx.loaders.familyById.load(id)));
    return families.filter((f): f is Family => Boolean(f));
  }

  @ListLength(10)
  @FieldResolver(() => [OtherHouseholdBookingType], {
    description:
      "Shared custody: the child's live bookings from `from` to `to` (at most 92 days apart; BAD_USER_INPUT otherwise) made by a household other than the viewer's (for staff, other than the child's own) — only the day and session, never that household's details. Earliest first.",
  })
  async otherHouseholdBookings(
    @Root() child: Child,
    @Arg('from', () => LocalDate, { description: 'First date (inclusive).' }) from: string,
    @Arg('to', () => LocalDate, { description: 'Last date (inclusive), at most 92 days after `from`.' })
    to: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OtherHouseholdBookingType[]> {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) throw new BadInputError(msg('input.toBeforeFrom', { from: 'from', to: 'to' }), ['to']);
    if (days > 92)
      throw new BadInputError(msg('input.outOfRange', { field: 'to', min: 0, max: 92, value: days }), ['to']);
    const household = ctx.viewer.familyId ?? child.family.id;
    const rows = await ctx.em.execute<{ session_id: string; date: string }[]>(
      `select r.session_id, to_char(s.date, 'YYYY-MM-DD') as date from reservations r
       join sessions s on s.tenant_id = r.tenant_id and s.id = r.session_id
       where r.tenant_id = ? and r.child_id = ? and r.family_id <> ? and r.status <> 'CANCELLED'
         and s.date between ? and ?
       order by s.date, s.period, r.session_id limit 200`,
      [ctx.tenant.id, child.id, household, from, to],
      'all',
      ctx.em.getLoggerContext(),
    );
    return rows.map((r) => ({
      sessionId: toGlobalId('Session', r.session_id),
      date: r.date,
      bookedBy: 'OTHER_HOUSEHOLD',
    }));
  }
}
