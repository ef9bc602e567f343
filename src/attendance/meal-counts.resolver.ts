import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../auth/viewer';
import type { Facility } from '../facilities/facility.entity';
import { FacilityType } from '../facilities/facility.types';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { ListLength } from '../graphql/cost';
import { toGlobalId } from '../shared/ids';
import { MAX_MEAL_COUNT_DAYS, mealCounts, mealCountsQuery, type MealCount } from './meal-counts.service';
import { expectedMealCountRows, MealCountsArgs, MealCountType } from './meal-counts.types';

@Resolver(() => MealCountType)
export class MealCountResolver {
  @Access({ scopes: [Scope.MEALS_READ] })
  @ListLength(expectedMealCountRows)
  @Query(() => [MealCountType], {
    description: `The caterer's grid (effectifs): meals to cook per school, date and diet, from \`from\` to \`to\` (at most ${MAX_MEAL_COUNT_DAYS} days). Needs staff, or an API key with the scope meals:read (the same key lists the schools with their national codes: \`facilities(kind: SCHOOL)\`). One row per school with a canteen session in the range, per date of such a session (canteens are open on school days only), per diet — every diet, zeros included — ordered by date, school name, diet. Each row says how its count was obtained (\`source\`): ATTENDANCE once the day's roll call was taken, FORECAST when the canteen runs in WALK_IN mode (nobody books), RESERVATIONS otherwise. A plain list, not a connection: the whole grid in one call (a month of Nîmes' 83 schools is about 6,000 rows), computed by two SQL statements; its cost is the expected rows (open days × schools asked for, or 100, × diets) times each row's selection, so a month of every school fits the cost limit with the flat fields (\`facilityId\`, \`facilityName\`, \`nationalCode\`), and fewer schools or days cost less. BAD_USER_INPUT for a range that is reversed or too long, or without \`from\` and \`to\`.`,
  })
  mealCounts(@Args() args: MealCountsArgs, @Ctx() ctx: GraphQLContext): Promise<MealCount[]> {
    return mealCounts(ctx, mealCountsQuery(args));
  }

  @FieldResolver(() => ID, {
    description: 'The school’s ID (as `facilities` returns it), without selecting the facility.',
  })
  facilityId(@Root() count: MealCount): string {
    return toGlobalId('Facility', count.facilityId);
  }

  @FieldResolver(() => FacilityType, {
    description: 'The school (costs one object per row: prefer the flat fields).',
  })
  async facility(@Root() count: MealCount, @Ctx() ctx: GraphQLContext): Promise<Facility | null> {
    return ctx.loaders.facilityById.load(count.facilityId);
  }
}
