import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { TenantContext } from '../../auth/context';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { quotientHistories, quotientsOn, type QuotientEntry } from '../../families/quotients';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { afterCommit } from '../../graphql/payload';
import { todayIn } from '../../shared/dates';
import { groupBy } from '../../shared/loaders';
import { setFamilyQuotient } from './quotient.service';
import { FamilyQuotientEntryType, SetFamilyQuotientInput, SetFamilyQuotientPayload } from './quotient.types';

export function createQuotientLoaders(ctx: TenantContext) {
  return {
    /** Each family's quotient valid today (tenant-local). */
    quotientTodayByFamilyId: new DataLoader<string, number | null>(async (ids) => {
      const today = todayIn(ctx.tenant.timeZone, ctx.now());
      const map = await quotientsOn(ctx.em, ctx.tenant.id, ids, today);
      return ids.map((id) => map.get(id) ?? null);
    }),
    quotientHistoryByFamilyId: new DataLoader<string, QuotientEntry[]>(async (ids) =>
      groupBy(ids, await quotientHistories(ctx.em, ctx.tenant.id, ids), (entry) => entry.familyId),
    ),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createQuotientLoaders> {}
}

@Resolver(() => FamilyType)
export class FamilyQuotientResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Family quotient (quotient familial) valid today, in whole currency units; picks the price bracket. Null: top bracket. Each session is priced with the quotient valid on its date (`quotientHistory`).',
  })
  familyQuotient(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return ctx.loaders.quotientTodayByFamilyId.load(family.id);
  }

  @Access(STAFF)
  @ListLength(3)
  @FieldResolver(() => [FamilyQuotientEntryType], {
    description:
      'Dated attestations of the quotient, latest first (before the first: the quotient on file). Staff.',
  })
  quotientHistory(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<QuotientEntry[]> {
    return ctx.loaders.quotientHistoryByFamilyId.load(family.id);
  }

  @Access(STAFF)
  @Mutation(() => SetFamilyQuotientPayload, {
    description:
      "Record a family's quotient from a date (a CAF attestation): sessions from that date are priced with it, charges already created keep their price. INVALID for a quotient outside 0–50,000, an empty documentRef or a date over 400 days ahead; NOT_FOUND for an unknown family. Agents and tenant admins; audited (before → after); retry-safe with idempotencyKey.",
  })
  async setFamilyQuotient(
    @Arg('input', { description: 'Family, quotient, effective date and document.' })
    input: SetFamilyQuotientInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await setFamilyQuotient(ctx, input);
    return {
      family: afterCommit((read) => (value ? read.loaders.familyById.load(value.familyId) : null)),
      userErrors,
    };
  }
}
