import {
  GraphQLObjectType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema } from 'type-graphql';
import { ViewerResolver } from '../auth/viewer.resolver';
import { ChildResolver, FamilyResolver } from '../families/family.resolver';
import { FacilityResolver, ServiceResolver } from '../facilities/facility.resolver';
import { SessionResolver } from '../sessions/session.resolver';
import {
  ChargeResolver,
  FamilyReservationsResolver,
  ReservationResolver,
  SessionReservationsResolver,
} from '../reservations/reservation.resolver';
import { AttendanceResolver } from '../attendance/attendance.resolver';
import {
  AllocationResolver,
  BillingRunResolver,
  FamilyBillingResolver,
  InvoiceLineResolver,
  InvoiceResolver,
  PaymentPlanResolver,
  PaymentResolver,
  WaterResolver,
} from '../billing/billing.resolver';
import { toGlobalId } from '../shared/ids';
import { TenantResolver } from '../tenants/tenant.resolver';
import { authChecker } from './auth-checker';
import { NodeResolver } from './node.resolver';

export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      NodeResolver,
      ViewerResolver,
      TenantResolver,
      FamilyResolver,
      ChildResolver,
      FacilityResolver,
      ServiceResolver,
      SessionResolver,
      ReservationResolver,
      FamilyReservationsResolver,
      SessionReservationsResolver,
      ChargeResolver,
      AttendanceResolver,
      InvoiceResolver,
      InvoiceLineResolver,
      AllocationResolver,
      PaymentResolver,
      PaymentPlanResolver,
      BillingRunResolver,
      FamilyBillingResolver,
      WaterResolver,
    ],
    authChecker,
    validate: false,
  });
  installGlobalIdResolvers(schema);
  schema.getQueryType()!.description = 'Entry points for reading Guichet.';
  schema.getMutationType()!.description = "Writes. Expected refusals come back in each payload's userErrors.";
  return schema;
}

/**
 * Every type implementing Node exposes `id` as an opaque global ID built from its row's UUID.
 * Done once here, rather than by a field resolver in every domain.
 */
function installGlobalIdResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const field = (type as GraphQLObjectType).getFields().id;
    const typeName = type.name;
    field.resolve = (source: { id: string }) => toGlobalId(typeName, source.id);
  }
}

/** The SDL committed in schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
