import 'reflect-metadata';
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Role, Scope } from '../src/auth/viewer';
import { createSchema } from '../src/http/schema';
import { startTestApp, token, type TestApp } from './support/app';
import { apiKey } from './support/tenants';

/**
 * Each API-key scope reaches only the fields it names, through any path: the operation guard
 * checks every selected field against the rule declared on its type or field. This suite is the
 * specification, written independently of those declarations: for every caller (each scope alone,
 * a parent, an agent) and every object type, it selects all the type's fields through a path that
 * reaches it and expects FORBIDDEN for exactly the fields the table below refuses.
 */
type Caller = Scope | 'PARENT' | 'STAFF';
const ALL_SCOPES = Object.values(Scope);
const OPERATIONAL = [Scope.CATALOG_READ, Scope.RESERVATIONS_WRITE, Scope.ATTENDANCE_WRITE, Scope.MEALS_READ];

/** Who may read each type's fields (staff always may, but for what TENANT_ADMIN alone may do). */
const READERS: Record<string, Caller[]> = {
  Family: [Scope.FAMILIES_READ, 'PARENT'],
  Guardian: [Scope.FAMILIES_READ, 'PARENT'],
  Child: [Scope.FAMILIES_READ, Scope.ATTENDANCE_WRITE, Scope.RESERVATIONS_WRITE, 'PARENT'],
  Facility: [...OPERATIONAL, 'PARENT'],
  Service: [...OPERATIONAL, 'PARENT'],
  PriceBracket: [...OPERATIONAL, 'PARENT'],
  BookingPolicy: [...OPERATIONAL, 'PARENT'],
  Session: [...OPERATIONAL, 'PARENT'],
  Reservation: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE, Scope.ATTENDANCE_WRITE, 'PARENT'],
  Charge: [Scope.BILLING_READ, 'PARENT'],
  Invoice: [Scope.BILLING_READ, 'PARENT'],
  InvoiceLine: [Scope.BILLING_READ, 'PARENT'],
  Allocation: [Scope.BILLING_READ, 'PARENT'],
  Payment: [Scope.BILLING_READ, Scope.PAYMENTS_WRITE, 'PARENT'],
  PaymentPlan: [Scope.BILLING_READ, 'PARENT'],
  Instalment: [Scope.BILLING_READ, 'PARENT'],
  FamilyAccount: [Scope.BILLING_READ, 'PARENT'],
  BillingTotals: [Scope.BILLING_READ, Scope.DASHBOARD_READ],
  BillingRun: [],
  ApiKey: [],
  AuditEvent: [],
  Import: [],
  ImportError: [],
  ClosurePeriod: [],
  FamilyQuotientEntry: [],
  MealCount: [Scope.MEALS_READ],
  AbsenceReason: [...ALL_SCOPES, 'PARENT'],
  Tenant: [...ALL_SCOPES, 'PARENT'],
  TenantConfiguration: [...ALL_SCOPES, 'PARENT'],
  SessionChildBooking: [...ALL_SCOPES, 'PARENT'],
  SessionBooking: [Scope.RESERVATIONS_WRITE, 'PARENT'],
  WebhookEndpoint: [Scope.WEBHOOKS_MANAGE],
  WebhookDelivery: [Scope.WEBHOOKS_MANAGE],
  WebhookEvent: [Scope.WEBHOOKS_MANAGE],
  OccupancyFigures: [Scope.DASHBOARD_READ],
  WaitlistEntry: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE, 'PARENT'],
  WaitlistCriterion: [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE, 'PARENT'],
  SessionWaitlist: [Scope.FAMILIES_READ],
  WaitlistCounts: [Scope.DASHBOARD_READ],
  Notification: [Scope.FAMILIES_READ, 'PARENT'],
  OtherHouseholdBooking: [Scope.FAMILIES_READ, Scope.ATTENDANCE_WRITE, Scope.RESERVATIONS_WRITE, 'PARENT'],
  FamilyDuplicates: [],
  ChildDuplicates: [],
  PlacementApplication: [Scope.FAMILIES_READ, 'PARENT'],
  PlacementPreference: [Scope.FAMILIES_READ, 'PARENT'],
  DeclaredCriterion: [Scope.FAMILIES_READ, 'PARENT'],
  PlacementStanding: [Scope.FAMILIES_READ, 'PARENT'],
  PlacementCriterionPoints: [Scope.FAMILIES_READ, 'PARENT'],
  PlacementOffer: [Scope.FAMILIES_READ, 'PARENT'],
  Placement: [Scope.FAMILIES_READ, 'PARENT'],
  FacilityAgeGroup: [...ALL_SCOPES, 'PARENT'],
  AllocationRound: [],
  AllocationProposal: [],
  AllocationExclusion: [],
  PlacementQueue: [],
  PlacementQueueEntry: [],
  PlacementStatistics: [Scope.DASHBOARD_READ],
  PlacementGroupFigures: [Scope.DASHBOARD_READ],
  PlacementGroupMonths: [],
  PlacementMonthPlaces: [Scope.DASHBOARD_READ],
  AdmissionPolicy: [...ALL_SCOPES, 'PARENT'],
  PublishedAdmissionCriterion: [...ALL_SCOPES, 'PARENT'],
  CriterionAtFacility: [...ALL_SCOPES, 'PARENT'],
  FacilityAdmission: [...ALL_SCOPES, 'PARENT'],
  DraftInvoice: [],
  DraftInvoiceLine: [],
  DraftWarningCount: [],
  Mandate: [],
  DebitBatch: [],
  Debit: [],
  DebitInstalment: [],
  CashOffice: [],
  TillClosing: [],
  Receipt: [Scope.BILLING_READ, 'PARENT'],
  CorrectionDraft: [],
  ChildcareCertificate: [Scope.BILLING_READ, 'PARENT'],
  CertificatePayment: [Scope.BILLING_READ, 'PARENT'],
  PaymentCertificate: [Scope.BILLING_READ, 'PARENT'],
  DepositSlip: [],
  Refund: [Scope.BILLING_READ, 'PARENT'],
  Reminder: [Scope.BILLING_READ, 'PARENT'],
  ReminderBatch: [],
  ReminderPolicy: [],
  ReminderLevel: [],
  TreasuryBatch: [Scope.BILLING_READ],
  TreasuryHandOver: [Scope.BILLING_READ, 'PARENT'],
  AttendanceConflict: [Scope.ATTENDANCE_WRITE],
  DeviceMark: [Scope.ATTENDANCE_WRITE],
};
/** Fields whose rule differs from their type's. */
const FIELD_READERS: Record<string, Caller[]> = {
  'Family.account': [Scope.BILLING_READ, 'PARENT'],
  'Family.charges': [Scope.BILLING_READ, 'PARENT'],
  'Family.invoices': [Scope.BILLING_READ, 'PARENT'],
  'Family.paymentPlans': [Scope.BILLING_READ, 'PARENT'],
  'Family.quotientHistory': [],
  'Session.reservations': [Scope.ATTENDANCE_WRITE, Scope.FAMILIES_READ],
  'Session.viewerChildren': [...ALL_SCOPES, 'PARENT'],
  'Session.bookingStatus': [Scope.RESERVATIONS_WRITE, 'PARENT'],
  'Session.booking': [Scope.RESERVATIONS_WRITE, 'PARENT'],
  'Facility.children': [Scope.ATTENDANCE_WRITE, Scope.FAMILIES_READ],
  'Query.mealCounts': [Scope.MEALS_READ],
  'Query.billingTotals': [Scope.BILLING_READ, Scope.DASHBOARD_READ],
  'Query.occupancy': [Scope.DASHBOARD_READ],
  'Query.placementQueue': [],
  'Query.placementStatistics': [Scope.DASHBOARD_READ],
  'Session.waitlist': [Scope.FAMILIES_READ],
  'Child.waitlistEntries': [Scope.FAMILIES_READ, Scope.RESERVATIONS_WRITE, 'PARENT'],
  'WaitlistEntry.manualPoints': [],
  'WaitlistEntry.manualReason': [],
  'Query.waitlistStatistics': [Scope.DASHBOARD_READ],
  'Child.households': [Scope.FAMILIES_READ],
  'Query.familyDuplicates': [],
  'Query.childDuplicates': [],
  'PlacementOffer.outOfOrderReason': [],
  'Placement.urgentReason': [],
  'Placement.createdBy': [],
  'Placement.endReason': [],
  'Query.placementFreePlaces': [],
  'Query.admissionPolicy': [...ALL_SCOPES, 'PARENT'],
  'Family.mandates': [],
  'Payment.receipt': [Scope.BILLING_READ, 'PARENT'],
  'Family.childcareCertificates': [Scope.BILLING_READ, 'PARENT'],
  'Family.refunds': [Scope.BILLING_READ, 'PARENT'],
  'Query.reminderPolicy': [],
};

/** How each type is reached: Node types through `node(id:)`, the others through a parent field. */
const PATHS: Record<string, (selection: string) => string> = {
  Guardian: (s) => `node(id: $id) { ... on Family { guardians { ${s} } } }`,
  FamilyAccount: (s) => `node(id: $id) { ... on Family { account { ${s} } } }`,
  Instalment: (s) => `node(id: $id) { ... on PaymentPlan { instalments { ${s} } } }`,
  FamilyQuotientEntry: (s) => `node(id: $id) { ... on Family { quotientHistory { ${s} } } }`,
  Allocation: (s) => `node(id: $id) { ... on Invoice { allocations { ${s} } } }`,
  PriceBracket: (s) => `node(id: $id) { ... on Service { priceGrid { ${s} } } }`,
  BookingPolicy: (s) => `node(id: $id) { ... on Service { bookingPolicy { ${s} } } }`,
  SessionChildBooking: (s) => `node(id: $id) { ... on Session { viewerChildren { ${s} } } }`,
  SessionBooking: (s) => `node(id: $id) { ... on Session { booking { ${s} } } }`,
  MealCount: (s) => `mealCounts(date: "2026-01-05") { ${s} }`,
  BillingTotals: (s) => `billingTotals(period: "2026-01") { ${s} }`,
  TenantConfiguration: (s) => `tenant { configuration { ${s} } }`,
  ImportError: (s) => `node(id: $id) { ... on Import { errors { ${s} } } }`,
  WebhookEvent: (s) => `node(id: $id) { ... on WebhookDelivery { event { ${s} } } }`,
  OccupancyFigures: (s) => `occupancy(from: "2026-01-05", to: "2026-01-05") { ${s} }`,
  WaitlistCriterion: (s) => `node(id: $id) { ... on WaitlistEntry { criteria { ${s} } } }`,
  SessionWaitlist: (s) => `node(id: $id) { ... on Session { waitlist { ${s} } } }`,
  OtherHouseholdBooking: (s) =>
    `node(id: $id) { ... on Child { otherHouseholdBookings(from: "2026-01-05", to: "2026-01-05") { ${s} } } }`,
  FamilyDuplicates: (s) => `familyDuplicates { ${s} }`,
  ChildDuplicates: (s) => `childDuplicates { ${s} }`,
  PlacementPreference: (s) => `node(id: $id) { ... on PlacementApplication { preferences { ${s} } } }`,
  DeclaredCriterion: (s) => `node(id: $id) { ... on PlacementApplication { criteria { ${s} } } }`,
  PlacementStanding: (s) => `node(id: $id) { ... on PlacementApplication { standings { ${s} } } }`,
  PlacementCriterionPoints: (s) =>
    `node(id: $id) { ... on PlacementApplication { standings { criteria { ${s} } } } }`,
  FacilityAgeGroup: (s) => `node(id: $id) { ... on Facility { placementAgeGroups { ${s} } } }`,
  AllocationExclusion: (s) => `node(id: $id) { ... on AllocationRound { exclusions { ${s} } } }`,
  PlacementQueue: (s) =>
    `placementQueue(facilityId: "Facility_AAAAAAAAAAAAAAAAAAAAAA", ageGroup: INFANT) { ${s} }`,
  PlacementQueueEntry: (s) =>
    `placementQueue(facilityId: "Facility_AAAAAAAAAAAAAAAAAAAAAA", ageGroup: INFANT) { entries { ${s} } }`,
  PlacementStatistics: (s) => `placementStatistics { ${s} }`,
  PlacementGroupFigures: (s) => `placementStatistics { groups { ${s} } }`,
  PlacementGroupMonths: (s) => `placementFreePlaces(from: "2026-01", to: "2026-02") { ${s} }`,
  PlacementMonthPlaces: (s) => `placementFreePlaces(from: "2026-01", to: "2026-02") { months { ${s} } }`,
  AdmissionPolicy: (s) => `admissionPolicy { ${s} }`,
  PublishedAdmissionCriterion: (s) => `admissionPolicy { criteria { ${s} } }`,
  CriterionAtFacility: (s) => `admissionPolicy { criteria { facilities { ${s} } } }`,
  FacilityAdmission: (s) => `admissionPolicy { facilities { ${s} } }`,
  DraftInvoiceLine: (s) => `node(id: $id) { ... on DraftInvoice { lines { ${s} } } }`,
  DraftWarningCount: (s) => `node(id: $id) { ... on BillingRun { warningCounts { ${s} } } }`,
  Debit: (s) => `node(id: $id) { ... on DebitBatch { debits { ${s} } } }`,
  DebitInstalment: (s) => `node(id: $id) { ... on DebitBatch { debits { instalments { ${s} } } } }`,
  TillClosing: (s) => `node(id: $id) { ... on CashOffice { closings { ${s} } } }`,
  CorrectionDraft: (s) => `node(id: $id) { ... on BillingRun { corrections { ${s} } } }`,
  ChildcareCertificate: (s) =>
    `node(id: $id) { ... on Family { childcareCertificates(year: 2026) { ${s} } } }`,
  PaymentCertificate: (s) => `node(id: $id) { ... on Invoice { paymentCertificate { ${s} } } }`,
  CertificatePayment: (s) => `node(id: $id) { ... on Invoice { paymentCertificate { payments { ${s} } } } }`,
  ReminderPolicy: (s) => `reminderPolicy { ${s} }`,
  ReminderLevel: (s) => `reminderPolicy { levels { ${s} } }`,
  TreasuryHandOver: (s) => `node(id: $id) { ... on Invoice { treasuryHandOver { ${s} } } }`,
  DeviceMark: (s) => `node(id: $id) { ... on AttendanceConflict { marks { ${s} } } }`,
  WaitlistCounts: (s) =>
    `waitlistStatistics(serviceId: "Service_AAAAAAAAAAAAAAAAAAAAAA", from: "2026-01-01", to: "2026-01-31") { ${s} }`,
};

function selectionOf(type: GraphQLObjectType): string {
  return Object.values(type.getFields())
    .filter((field) => field.args.every((arg) => arg.type.toString().slice(-1) !== '!'))
    .map((field) => (isLeafType(getNamedType(field.type)) ? field.name : `${field.name} { __typename }`))
    .join(' ');
}

/** Types only tenant admins read (the STAFF caller is an agent). */
const ADMIN_ONLY = new Set([
  'ApiKey',
  'AuditEvent',
  'Import',
  'ImportError',
  'WebhookEndpoint',
  'WebhookDelivery',
  'WebhookEvent',
]);
/** Types only a mutation's payload returns (its access is the mutation's). */
const PAYLOAD_ONLY = ['SkippedSessionDate', 'MergedRows', 'PlacementPolicy'];

function allowed(caller: Caller, coordinate: string): boolean {
  if (caller === 'STAFF') return !ADMIN_ONLY.has(coordinate.split('.')[0]);
  const readers = FIELD_READERS[coordinate] ?? READERS[coordinate.split('.')[0]];
  return readers.includes(caller);
}

/** The coordinates a query on `type` selects that the guard also checks (the path's own fields included). */
function checkedCoordinates(schema: GraphQLSchema, typeName: string): string[] {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const own = Object.values(type.getFields())
    .filter((field) => field.args.every((arg) => arg.type.toString().slice(-1) !== '!'))
    .map((field) => `${typeName}.${field.name}`);
  const via: Record<string, string[]> = {
    Guardian: ['Family.guardians'],
    FamilyAccount: ['Family.account'],
    Instalment: ['PaymentPlan.instalments'],
    FamilyQuotientEntry: ['Family.quotientHistory'],
    Allocation: ['Invoice.allocations'],
    PriceBracket: ['Service.priceGrid'],
    BookingPolicy: ['Service.bookingPolicy'],
    SessionChildBooking: ['Session.viewerChildren'],
    SessionBooking: ['Session.booking'],
    TenantConfiguration: ['Tenant.configuration'],
    WaitlistCriterion: ['WaitlistEntry.criteria'],
    SessionWaitlist: ['Session.waitlist'],
    WaitlistCounts: ['Query.waitlistStatistics'],
    OtherHouseholdBooking: ['Child.otherHouseholdBookings'],
    FamilyDuplicates: ['Query.familyDuplicates'],
    ChildDuplicates: ['Query.childDuplicates'],
    MealCount: ['Query.mealCounts'],
    BillingTotals: ['Query.billingTotals'],
    ImportError: ['Import.errors'],
    WebhookEvent: ['WebhookDelivery.event'],
    OccupancyFigures: ['Query.occupancy'],
    PlacementPreference: ['PlacementApplication.preferences'],
    DeclaredCriterion: ['PlacementApplication.criteria'],
    PlacementStanding: ['PlacementApplication.standings'],
    PlacementCriterionPoints: ['PlacementApplication.standings', 'PlacementStanding.criteria'],
    FacilityAgeGroup: ['Facility.placementAgeGroups'],
    AllocationExclusion: ['AllocationRound.exclusions'],
    PlacementQueue: ['Query.placementQueue'],
    PlacementQueueEntry: ['Query.placementQueue', 'PlacementQueue.entries'],
    PlacementStatistics: ['Query.placementStatistics'],
    PlacementGroupFigures: ['Query.placementStatistics', 'PlacementStatistics.groups'],
    PlacementGroupMonths: ['Query.placementFreePlaces'],
    PlacementMonthPlaces: ['Query.placementFreePlaces', 'PlacementGroupMonths.months'],
    AdmissionPolicy: ['Query.admissionPolicy'],
    PublishedAdmissionCriterion: ['Query.admissionPolicy', 'AdmissionPolicy.criteria'],
    CriterionAtFacility: [
      'Query.admissionPolicy',
      'AdmissionPolicy.criteria',
      'PublishedAdmissionCriterion.facilities',
    ],
    FacilityAdmission: ['Query.admissionPolicy', 'AdmissionPolicy.facilities'],
    DraftInvoiceLine: ['DraftInvoice.lines'],
    DraftWarningCount: ['BillingRun.warningCounts'],
    Debit: ['DebitBatch.debits'],
    DebitInstalment: ['DebitBatch.debits', 'Debit.instalments'],
    TillClosing: ['CashOffice.closings'],
    CorrectionDraft: ['BillingRun.corrections'],
    ChildcareCertificate: ['Family.childcareCertificates'],
    PaymentCertificate: ['Invoice.paymentCertificate'],
    CertificatePayment: ['Invoice.paymentCertificate', 'PaymentCertificate.payments'],
    ReminderPolicy: ['Query.reminderPolicy'],
    ReminderLevel: ['Query.reminderPolicy', 'ReminderPolicy.levels'],
    TreasuryHandOver: ['Invoice.treasuryHandOver'],
    DeviceMark: ['AttendanceConflict.marks'],
  };
  return [...own, ...(via[typeName] ?? [])];
}

describe('access: each caller reaches only the fields its scope or role names, through any path', () => {
  let app: TestApp;
  let schema: GraphQLSchema;
  const callers = new Map<Caller, string>();

  beforeAll(async () => {
    app = await startTestApp();
    schema = await createSchema();
    const { rows } = await app.orm.em
      .getConnection()
      .execute<{ id: string }[]>(`select id from tenants where slug = 'beziers'`)
      .then((r) => ({ rows: r }));
    for (const scope of ALL_SCOPES) callers.set(scope, await apiKey([rows[0].id], [scope], `only ${scope}`));
    const agent = await token('beziers', Role.AGENT);
    const family = await app.gql('{ families(first: 1) { nodes { id } } }', {}, { token: agent });
    callers.set('PARENT', await token('beziers', Role.PARENT, family.data.families.nodes[0].id));
    callers.set('STAFF', agent);
  });
  afterAll(() => app.close());

  it('covers every object type that carries data', () => {
    const types = Object.values(schema.getTypeMap()).filter(
      (t) =>
        isObjectType(t) &&
        !t.name.startsWith('__') &&
        !['Query', 'Mutation', 'Money', 'UserError', 'PageInfo', 'Viewer', ...PAYLOAD_ONLY].includes(
          t.name,
        ) &&
        !/(Connection|Edge|Payload)$/.test(t.name),
    );
    expect(types.map((t) => t.name).filter((name) => !READERS[name])).toEqual([]);
  });

  it.each(Object.keys(READERS))('%s: exactly the fields each caller may read', async (typeName) => {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const isNode = type.getInterfaces().some((i) => isInterfaceType(i) && i.name === 'Node');
    const selection = selectionOf(type);
    const body = PATHS[typeName]
      ? PATHS[typeName](selection)
      : `node(id: $id) { ... on ${typeName} { ${selection} } }`;
    expect(isNode || PATHS[typeName]).toBeTruthy();
    const query = body.includes('$id') ? `query($id: ID!) { ${body} }` : `{ ${body} }`;
    const checked = checkedCoordinates(schema, typeName);
    for (const [caller, bearer] of callers) {
      const res = await app.gql(query, body.includes('$id') ? { id: 'Family_AAAAAAAAAAAAAAAAAAAAAA' } : {}, {
        token: bearer,
      });
      const denied = (res.errors ?? [])
        .filter((e) => e.extensions?.code === 'FORBIDDEN' && e.extensions?.field)
        .map((e) => e.extensions!.field as string)
        .sort();
      const expected = checked.filter((coordinate) => !allowed(caller, coordinate)).sort();
      expect({ caller, typeName, denied }).toEqual({ caller, typeName, denied: expected });
      // Whatever is allowed runs (and answers NOT_FOUND for the dummy ID, or data), never a 5xx.
      expect(res.status).toBeLessThan(500);
    }
  });
});
