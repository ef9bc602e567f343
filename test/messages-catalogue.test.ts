import { IntlMessageFormat } from 'intl-messageformat';
import {
  allOf,
  amount,
  CATALOGUE,
  date,
  day,
  instant,
  acceptedLocale,
  msg,
  oneOf,
  readerLanguage,
  render,
  textOf,
  type Language,
  type MessageKey,
  type ParamsOf,
} from '../src/shared/i18n';
import { CATALOGUE_MODULES } from '../src/shared/i18n/catalogue';

/**
 * The message catalogue, as a table: every key renders in fr-FR, fr-CA and English with sample
 * parameters, its ICU text parses, and every language uses the same parameters, all declared.
 * SAMPLES is typed by the catalogue: a key added without its sample does not compile, and a key
 * whose sample is missing from this table fails below.
 */
const when = instant('2027-06-04T10:30:00.000Z');
const roles = oneOf(['AGENT', 'TENANT_ADMIN']);
const scopes = oneOf(['billing:read']);
const SAMPLES: { [K in MessageKey]: ParamsOf<K> } = {
  notFound: { what: 'Family' },
  'idempotency.conflict': {},
  'idempotency.keyLength': { max: 255 },
  unavailable: {},
  internal: {},
  'operation.notSupported': { operation: 'subscription' },
  'operation.tooCostly': { cost: 30000, max: 25000 },
  'input.tooManyItems': { field: 'sessionIds', max: 100, count: 101 },
  'input.outOfRange': { field: 'first', min: 1, max: 100, value: 0 },
  'input.tooLong': { field: 'input.reason', max: 500, length: 501 },
  'input.nul': { field: 'search' },
  'input.surrogate': { field: 'search' },
  'input.notAnId': { field: 'childId', type: 'Child' },
  'input.pageSize': { max: 100 },
  'input.badCursor': {},
  'input.calendarDate': { field: 'from', min: 1900, max: 2199 },
  'input.yearMonth': { field: 'period', min: 1900, max: 2199 },
  'input.toBeforeFrom': { from: 'from', to: 'to' },
  'input.required': { field: 'from' },
  'input.eitherOr': { first: '"facilityIds"', second: '"facilityId"' },
  'input.negativeQuotient': {},
  'input.tooManyDays': { max: 31, last: day('2027-07-31') },
  'access.field': { field: 'Family.guardians', shape: 'RS', roles, scopes },
  'reminders.levels': { max: 5 },
  'reminders.handOverDays': { min: 31 },
  'reminders.invoice': {
    level: 2,
    last: 'yes',
    number: 'F2026-000042',
    amount: amount(4250, 'EUR'),
    dueDate: day('2027-06-04'),
    fee: amount(500, 'EUR'),
    hasFee: 'yes',
  },
  'reminders.instalment': {
    level: 1,
    last: 'no',
    position: 2,
    amount: amount(10690, 'EUR'),
    dueDate: day('2027-06-04'),
    fee: amount(0, 'EUR'),
    hasFee: 'no',
  },
  'reminders.letterTitle': { level: 1, last: 'no' },
  'reminders.letterGreeting': { family: 'Famille Martin' },
  'reminders.letterPay': { date: date('2027-06-04') },
  'reminders.feeInvoiceLabel': { level: 2, number: 'F2026-000042' },
  'treasury.handedOverNotice': {
    count: 2,
    total: amount(12000, 'EUR'),
    batch: 'TP2027-000001',
    date: day('2027-06-04'),
  },
  'treasury.nothingToHandOver': {},
  'treasury.invoiceHandedOver': { number: 'F2026-000042', batch: 'TP2027-000001', date: day('2027-06-04') },
  'treasury.batchNotFound': {},
  'treasuryBatch.column': { column: 'debtor' },
  'depositSlip.nothingToDeposit': { method: 'CASH' },
  'depositSlip.method': {},
  'depositSlip.notFound': {},
  'depositSlip.banked': { number: 'CANT-BR2027-000001', date: day('2027-06-04') },
  'depositSlip.futureDay': {},
  'refund.amount': { available: amount(2500, 'EUR') },
  'refund.reason': {},
  'access.treasury': { shape: 'RS', roles, scopes },
  'access.paymentPlan': { shape: 'RP', roles, scopes: oneOf([]) },
  'access.payment': { shape: 'RS', roles, scopes: oneOf(['payments:write']) },
  'access.deposit': { shape: 'R', roles, scopes: oneOf([]) },
  'access.absenceAtCounter': { shape: 'RS', roles, scopes: oneOf(['attendance:write']) },
  'access.ownInvoices': {},
  'access.tenantConfiguration': {},
  'apiKey.nameRequired': { max: 100 },
  'apiKey.scopeRequired': {},
  'apiKey.unknownScope': { scope: 'menus:write', scopes: allOf(['catalog:read', 'meals:read']) },
  'apiKey.scopeTwice': { scope: 'meals:read' },
  'auth.required': {},
  'auth.bearerFormat': {},
  'auth.unknownApiKey': {},
  'auth.keyTenantNotGranted': { tenant: 'quebec', tenants: oneOf(['beziers', 'nimes']) },
  'auth.keyTenantRequired': { tenants: oneOf(['beziers', 'nimes']) },
  'auth.tokenInvalid': {},
  'auth.tokenExpired': {},
  'auth.tokenLacksClaims': {},
  'auth.tokenMalformedClaim': {},
  'auth.parentTokenNoFamily': {},
  'auth.unknownTenant': {},
  'auth.tenantGone': {},
  'auth.personOtherTenant': {},
  'auth.noValidFamily': {},
  'link.expired': {},
  'link.invalid': {},
  'link.credentialsRequired': {},
  'idp.notAccepted': {},
  'idp.noIssuer': {},
  'idp.unknownIssuer': { issuer: '"https://idp.example"' },
  'idp.tenantNotServed': { tenant: 'beziers', tenants: oneOf(['nimes']) },
  'idp.tenantRequired': { tenants: oneOf(['beziers', 'nimes']) },
  'idp.misconfigured': { tenant: 'nimes', detail: 'jwksUri must be https' },
  'idp.badSubject': { claim: '"sub"' },
  'idp.noRole': { claim: '"roles"', roles: oneOf(['PARENT', 'AGENT', 'TENANT_ADMIN']), mapping: 'yes' },
  'idp.noFamilyClaim': { claim: '"family"' },
  'idp.unknownFamily': { claim: '"family"', reference: '"F-12"', tenant: 'nimes', kind: 'EXTERNAL_REF' },
  'idp.jwksUnavailable': {},
  'idp.audience': { audiences: oneOf(['"guichet"']) },
  'idp.notYetValid': {},
  'idp.badClaim': { claim: '"iat"', detail: 'unexpected' },
  'idp.noMatchingKey': {},
  'idp.severalKeys': {},
  'idp.algorithm': { algorithms: oneOf(['RS256', 'ES256']) },
  'idp.signature': {},
  'booking.sessionCount': { max: 100 },
  'booking.notYetOpen': { opensAt: when },
  'booking.closed': { date: day('2027-07-20'), closesAt: instant('2027-07-05T21:59:00.000Z') },
  'booking.holiday': { date: day('2026-12-25'), holiday: 'Noël' },
  'booking.tooYoung': { months: 2 },
  'booking.tooOld': { months: 48 },
  'booking.notAPupil': {},
  'booking.atSchool': {},
  'booking.alreadyBooked': { date: day('2027-07-20') },
  'booking.overlap': { date: day('2027-07-20') },
  'booking.full': { date: day('2027-07-20') },
  'mode.readOnly': {},
  'mode.walkIn': {},
  'mode.counterOnly': {},
  'mode.reasonRequired': { max: 500 },
  'mode.tenantNeedsMode': {},
  'cancel.count': { max: 100 },
  'cancel.namedTwice': {},
  'cancel.notCancellable': { status: 'ATTENDED' },
  'bookingStatus.childRequired': {},
  'pricing.noPrice': { date: day('2027-07-20') },
  'rollCall.tooMany': { max: 1000 },
  'rollCall.readOnly': {},
  'rollCall.notYet': { date: day('2027-07-20') },
  'rollCall.namedTwice': {},
  'rollCall.noReservation': {},
  'rollCall.noWalkIns': {},
  'rollCall.bookedElsewhere': {},
  'rollCall.capacityReached': {},
  'rollCall.locked': { status: 'ABSENT_UNJUSTIFIED' },
  'absence.unknownReason': { reason: 'SICK' },
  'absence.documentRequired': { label: 'Maladie' },
  'absence.nothingToJustify': { status: 'BOOKED' },
  'absence.doesNotExcuseLate': { label: 'Convenance' },
  'absence.locked': {},
  'absence.codeFormat': { max: 64 },
  'absence.labelLength': { max: 255 },
  'creditNote.reasonRequired': { max: 500 },
  'creditNote.linesOrAmount': {},
  'creditNote.ofCreditNote': {},
  'creditNote.notALine': {},
  'creditNote.lineTwice': {},
  'creditNote.lineCredited': {},
  'creditNote.units': { max: 3 },
  'creditNote.tooMuch': { max: amount(1234, 'EUR') },
  'amount.positive': {},
  'plan.invoiceOrFamily': {},
  'plan.alreadyPlanned': {},
  'plan.nothingDue': {},
  'plan.instalments': { max: 4, maxCount: 10, minAmount: amount(1000, 'EUR') },
  'payment.methodNotAccepted': { method: 'CARD', accepted: oneOf(['CASH', 'CHEQUE']), count: 2 },
  'payment.counterOnly': {},
  'payment.amount': { max: amount(10_000_000, 'EUR') },
  'payment.notOpenInvoice': {},
  'payment.allocation': { max: amount(4150, 'EUR') },
  'payment.allocationsExceed': {},
  'water.readingDate': { from: day('2025-06-04'), today: day('2027-06-04') },
  'water.cubicMetres': { max: 5000 },
  'water.noService': {},
  'water.noPrice': { date: day('2027-06-04') },
  'water.monthlyAmount': {},
  'water.yearNotOver': {},
  'billing.suspended': {},
  'billing.notSuspended': {},
  'draft.periodRequired': {},
  'draft.yearRequired': {},
  'draft.monthlyWhileSuspended': {},
  'draft.notADraft': { status: 'COMPLETED' },
  'draft.runNotFound': {},
  'draft.familyNotInRun': {},
  'draft.stale': { families: 3 },
  'sepa.creditorMissing': {},
  'sepa.creditorId': {},
  'sepa.creditorName': {},
  'sepa.iban': {},
  'sepa.ibanNotSepa': {},
  'sepa.bic': {},
  'sepa.debtorName': {},
  'sepa.mandateReference': {},
  'sepa.mandateReferenceTaken': {},
  'sepa.signedInFuture': {},
  'sepa.activeMandateExists': {},
  'sepa.mandateNotFound': {},
  'sepa.mandateClosed': {},
  'sepa.collectionDatePast': {},
  'sepa.nothingToDebit': { date: day('2027-07-05') },
  'sepa.batchNotFound': {},
  'sepa.batchNotExported': { reference: 'PRLV2026-000001' },
  'sepa.batchNotPrepared': { reference: 'PRLV2026-000001' },
  'sepa.batchEmpty': { reference: 'PRLV2026-000001' },
  'sepa.batchSettled': {},
  'sepa.badReturnFile': {},
  'sepa.unknownDebit': { id: 'PRLV2027-000001-00003' },
  'sepa.debitRejected': { amount: amount(4250, 'EUR'), date: day('2027-07-05'), reason: 'AM04' },
  'sepa.rejectionFee': { fee: amount(500, 'EUR') },
  'cashDesk.code': {},
  'cashDesk.codeTaken': { code: 'CANT' },
  'cashDesk.name': {},
  'cashDesk.officeNotFound': {},
  'cashDesk.officeRequired': {},
  'cashDesk.tillClosed': { office: 'Régie de la restauration scolaire', day: day('2027-07-05') },
  'cashDesk.alreadyClosed': { day: day('2027-07-05') },
  'cashDesk.futureDay': {},
  'receipt.title': { number: 'CANT-2027-000042' },
  'receipt.received': {
    amount: amount(4250, 'EUR'),
    method: 'CHEQUE',
    day: date('2027-07-05'),
    family: 'Famille Martin',
    deposit: 'no',
  },
  'receipt.reference': { reference: 'chèque 1234567' },
  'correction.reasonRequired': {},
  'correction.priceOrCancel': {},
  'correction.chargeNotFound': {},
  'correction.notInvoiced': {},
  'correction.cancelled': {},
  'correction.noChange': { price: amount(345, 'EUR') },
  'correction.useCorrectiveRun': {},
  'correction.nonePending': {},
  'correction.alreadyCredited': { invoices: 2 },
  'correction.handedOver': { invoices: 2 },
  'correction.stale': { invoices: 1 },
  'correction.creditLabel': { label: 'Restauration scolaire — 2026-05' },
  'certificate.childcare.title': { year: 2026 },
  'certificate.childcare.body': {
    tenant: 'Ville de Saint-Nazaire',
    child: 'Léa Martin',
    born: date('2022-03-04'),
    family: 'Martin',
    year: 2026,
    amount: amount(123456, 'EUR'),
  },
  'certificate.childcare.scope': { age: 6 },
  'certificate.childcare.notEligible': { age: 6 },
  'certificate.payment.title': { number: 'F2026-000042' },
  'certificate.payment.body': {
    tenant: 'Ville de Nîmes',
    family: 'Martin',
    number: 'F2026-000042',
    total: amount(10000, 'EUR'),
    paid: amount(6000, 'EUR'),
    due: amount(4000, 'EUR'),
  },
  'certificate.payment.line': { day: date('2026-07-01'), method: 'CHEQUE', amount: amount(6000, 'EUR') },
  'certificate.issuedOn': { day: date('2027-01-15') },
  'billing.alreadySuspended': { since: day('2026-03-01') },
  'billing.alreadySuspendedSinceUnknown': {},
  'billing.periodNotOver': { period: '2027-06', today: day('2027-06-04') },
  'billing.catchUpPast': {},
  'pdf.title': { kind: 'CREDIT_NOTE', number: 'A2026-000001' },
  'pdf.issued': { kind: 'INVOICE', issued: date('2026-07-01'), due: date('2026-07-31') },
  'pdf.period': { from: date('2026-06-01'), to: date('2026-06-30') },
  'pdf.reason': { reason: 'Erreur de pointage' },
  'pdf.column.label': {},
  'pdf.column.quantity': {},
  'pdf.column.unitPrice': {},
  'pdf.column.amount': {},
  'pdf.total': {},
  'pdf.settled': {},
  'pdf.balance': {},
  'pdf.schedule': {},
  'pdf.instalment': { position: 2, due: date('2026-08-01') },
  'treasury.column': { column: 'minorUnits' },
  'admin.notFound': { what: 'ClosurePeriod' },
  'admin.empty': { field: 'name' },
  'admin.tooLong': { field: 'name', max: 255 },
  'admin.notEmail': { field: 'guardians.0.email' },
  'admin.notPhone': { field: 'guardians.0.phone' },
  'admin.between': { field: 'capacity', min: 0, max: 10000 },
  'admin.budgetCode': { value: 'BP 01' },
  'admin.endBeforeStart': { field: 'to', from: day('2027-09-01'), to: day('2027-08-01') },
  'admin.periodTooLong': { days: 800, max: 731 },
  'admin.dateInFuture': { field: 'birthDate', value: day('2030-01-01') },
  'admin.dateTooOld': { field: 'birthDate', value: day('1990-01-01') },
  'admin.weekdays': {},
  'admin.servicesAtFacility': { count: 2, kind: 'CANTEEN' },
  'admin.capacityBelowTaken': { taken: 7 },
  'admin.quotientTooFarAhead': { days: 366 },
  'admin.auditInstantYears': { field: 'filter.from', min: 1900, max: 2199 },
  'admin.auditFromAfterTo': {},
  'admin.guardianCount': { max: 4 },
  'admin.guardianUnreachable': { n: 2 },
  'admin.duplicateExternalRef': { ref: 'NIM-0042', family: 'Famille Martin' },
  'admin.duplicateEmail': { email: 'a.martin@example.fr', family: 'Famille Martin' },
  'admin.duplicateChild': { name: 'Léa Martin' },
  'admin.staffOnly': { field: 'externalRef' },
  'admin.archiveWithBookings': { reservations: 3, waitlisted: 1 },
  'admin.notASchool': { name: 'Centre de loisirs' },
  'admin.alreadyHousehold': {},
  'admin.notAHousehold': {},
  'admin.mergeSame': {},
  'admin.alreadyMerged': {},
  'admin.mergeInvoices': { rows: 'F2027-000012 (2027-01)' },
  'admin.mergeDebits': {},
  'admin.mergeOpeningBalances': { refs: allOf(['FAC-2025-0412']) },
  'admin.mergeOverlap': { count: 2, dates: allOf(['2027-03-04', '2027-03-05']) },
  'admin.endsInPast': { today: day('2026-12-01') },
  'admin.notNationalCode': { code: '0301001B' },
  'admin.notTime': { field: 'bookingPolicy.closesAtTime' },
  'admin.archiveBookedSessions': { count: 4 },
  'admin.sessionCancelled': { date: day('2026-12-16') },
  'admin.sessionPast': { date: day('2026-11-27') },
  'admin.notTimeZone': { value: 'Europe/Nimes' },
  'admin.notLocale': { value: 'de-DE' },
  'grid.pricedUpTo': { last: day('2026-11-27'), today: day('2026-11-30') },
  'grid.count': { max: 50 },
  'grid.lowerBound': { n: 1 },
  'grid.upperBound': { n: 2, max: '300', min: 400 },
  'grid.price': { n: 1, max: 100000 },
  'grid.startsAboveZero': { n: 1, min: 100 },
  'grid.openOverlap': { n: 1, next: 2, min: 500 },
  'grid.gap': { n: 2, min: 600, prev: 1, end: 500 },
  'grid.overlap': { n: 2, min: 400, prev: 1, from: 0, to: 500 },
  'grid.openEnd': { n: 3, end: 2000 },
  'notification.placementOffered': {
    child: 'Léa',
    facility: 'CPE Les Lucioles',
    date: day('2027-09-01'),
    deadline: when,
  },
  'notification.placementAccepted': { child: 'Léa', facility: 'CPE Les Lucioles', date: day('2027-09-01') },
  'notification.placementDeclined': { child: 'Léa', facility: 'CPE Les Lucioles' },
  'notification.placementDeclinedWithdrawn': { child: 'Léa', facility: 'CPE Les Lucioles' },
  'notification.placementExpired': { child: 'Léa', facility: 'CPE Les Lucioles' },
  'placement.notFound': {},
  'placement.alreadyEnded': { endDate: day('2027-12-31') },
  'placement.endsEarlier': { endDate: day('2028-02-29') },
  'placement.monthRange': { max: 24 },
  'placement.windowClosed': {},
  'placement.applicationNotFound': {},
  'placement.facilityNotFound': {},
  'placement.roundNotFound': {},
  'placement.offerNotFound': {},
  'placement.preferenceCount': { max: 5 },
  'placement.facilityNamedTwice': {},
  'placement.noAgeGroup': { date: day('2027-09-01') },
  'placement.unknownCriterion': { code: 'SIBLING' },
  'placement.alreadyApplied': {},
  'placement.notActive': { status: 'PLACED' },
  'placement.reasonRequired': {},
  'placement.roundNotDraft': { status: 'CONFIRMED' },
  'placement.roundStale': {},
  'placement.proposalNotFound': {},
  'placement.noFreePlace': {},
  'placement.noCandidate': {},
  'placement.notACandidate': {},
  'placement.offerNotOpen': { status: 'DECLINED' },
  'placement.offerExpired': { expiredAt: when },
  'placement.full': {},
  'placement.ageGroupMissing': {},
  'placement.temporaryEnded': { endDate: day('2027-06-30') },
  'placement.endBeforeStart': {},
  'placement.urgentNotDeclared': {},
  'placement.criterionNotDeclared': { code: 'SIBLING' },
  'placement.rangeTooLong': {},
  'placement.ageGroupMonths': {},
  'placement.capacityBelowTaken': { taken: 12 },
  'waitlist.entryNotFound': {},
  'waitlist.notLive': { status: 'PROMOTED' },
  'waitlist.offerExpired': { expiredAt: when },
  'waitlist.offerOverlap': {},
  'waitlist.agentsOnly': {},
  'waitlist.reasonRequired': {},
  'waitlist.adjustment': {},
  'waitlist.sessionNamedTwice': {},
  'waitlist.notFull': { date: day('2027-07-07') },
  'waitlist.already': {},
  'webhook.urlPrivate': {},
  'operation.throttled': { cost: 120, available: 40, rate: 50, seconds: 2 },
  'notification.autoBooked': { child: 'Léa', service: 'Centre aéré', date: day('2026-12-16') },
  'notification.offerMade': {
    child: 'Léa',
    service: 'Centre aéré',
    date: day('2026-12-16'),
    deadline: instant('2026-12-02T08:00:00Z'),
  },
  'notification.offerExpiring': {
    child: 'Léa',
    date: day('2026-12-16'),
    hours: 12,
    deadline: instant('2026-12-02T08:00:00Z'),
  },
  'notification.offerExpired': { child: 'Léa', date: day('2026-12-16') },
  'notification.sessionCancelledBooking': {
    service: 'Centre aéré',
    date: day('2026-12-16'),
    reason: 'grève',
    child: 'Léa',
  },
  'notification.sessionCancelledWaitlist': {
    service: 'Centre aéré',
    date: day('2026-12-16'),
    reason: 'grève',
    child: 'Léa',
  },
  'notification.rankChanged': { child: 'Léa', service: 'Centre aéré', date: day('2026-12-16') },
  'waitlist.groupChildren': { max: 8 },
  'waitlist.notSiblings': {},
  'waitlist.groupOverlap': {},
  'waitlist.statisticsRange': {},
  'notifications.parentsOnly': {},
  'webhook.urlInvalid': {},
  'webhook.urlCredentials': {},
  'webhook.urlHttps': {},
  'webhook.eventTypeRequired': {},
  'webhook.tooManyEndpoints': { max: 20 },
  'webhook.endpointNotFound': {},
  'webhook.deliveryNotFound': {},
  'webhook.disabled': { failures: 5, last: 'HTTP 500' },
  'import.fieldCount': { expected: 21, found: 22 },
  'import.badDate': { value: '31/02/2019' },
  'import.birthDateOutOfRange': { value: '01/01/1990' },
  'import.badNumber': { value: '1 2OO' },
  'import.badEmail': { value: 'martin.gmail.com' },
  'import.badPhone': { value: '04 67' },
  'import.badValue': { value: 'Halal', allowed: oneOf(['Standard', 'Sans porc']) },
  'import.tooLong': { max: 255 },
  'import.missingField': { column: 'date_naissance' },
  'import.missingColumn': { column: 'ref_famille', accepted: oneOf(['family_ref', 'ref_famille']) },
  'import.unknownSchool': { value: 'École primaire Les Tamaris' },
  'import.duplicateInFile': { firstLine: 12 },
  'import.duplicateExternalRef': { ref: 'BZ-01234', firstLine: 12 },
  'import.encoding': { encoding: 'utf-8' },
  'import.csvSyntax': {},
  'import.emptyFile': {},
  'import.unknownKind': { kind: 'payments', kinds: oneOf(['families', 'attendance']) },
  'import.badOption': { option: 'mode', value: 'SOME', allowed: oneOf(['ALL_OR_NOTHING', 'VALID_ONLY']) },
  'import.tooLarge': { max: 200 },
  'import.adminOnly': {},
  'import.unknownChild': { value: 'Child_x' },
  'import.unknownSession': { value: 'Session_x' },
  'roll.forbidden': {},
  'roll.title': { date: day('2027-06-04') },
  'roll.session': { facility: 'École Jean Jaurès', service: 'Restauration scolaire', period: 'midi' },
  'roll.columns': {},
  'roll.walkIns': {},
  'roll.meals': { standard: 40, noPork: 5, vegetarian: 3, allergyPlan: 2, total: 50 },
  'roll.none': { date: day('2027-06-04') },
  'roll.diet': { diet: 'ALLERGY_PLAN' },
  'roll.period': { period: 'LUNCH' },
  'statement.title': { family: 'Famille Martin', date: date('2027-06-04') },
  'statement.invoiced': {},
  'statement.credited': {},
  'statement.paid': {},
  'statement.due': {},
  'statement.overdue': {},
  'statement.credit': {},
  'statement.unbilled': {},
  'statement.openInvoices': {},
  'statement.invoiceColumns': {},
  'statement.instalmentColumns': {},
  'statement.instalmentStatus': { status: 'OVERDUE' },
  'statement.payments': {},
  'statement.date': { date: date('2027-06-04') },
  'attendance.reasonRequired': {},
  'import.badPeriod': { max: 400 },
  'import.unknownChildRef': { value: 'E123' },
  'import.unknownService': { value: 'Cantine' },
  'import.noSession': { value: 'Cantine' },
  'import.overlap': { count: 2 },
  'attendance.unlockWhich': {},
  'attendance.notBilled': { date: day('2027-06-04') },
  'rollCall.dayBilled': { date: day('2027-06-04'), through: day('2027-06-30') },
  'attendance.conflictResolved': {},
  'import.badInstant': { value: '03/12/2026 11:45' },
  'import.actionReused': { device: 'tablette-1', action: '42' },
  'import.actionTwice': { device: 'tablette-1', action: '42' },
  'import.badAmount': { value: '-12,50', max: amount(10_000_000, 'EUR') },
  'import.balanceDateOutOfRange': { value: '12/03/2062' },
  'import.duplicateBalance': { ref: 'FAC-2025-0412', firstLine: 7 },
  'import.unknownFamilyRef': { value: 'F999999' },
  'import.balanceInvoiced': { ref: 'FAC-2025-0412', invoice: 'F2026-000042', amount: amount(4250, 'EUR') },
};

const LANGUAGES: Record<string, Language> = {
  'fr-FR': { locale: 'fr-FR', timeZone: 'Europe/Paris' },
  'fr-CA': { locale: 'fr-CA', timeZone: 'America/Toronto' },
  en: { locale: 'en-GB', timeZone: 'Europe/London' },
};

/** The arguments an ICU text uses, nested ones included (plural, select, number…). */
function argumentsOf(text: string): Set<string> {
  const names = new Set<string>();
  const walk = (elements: unknown[]) => {
    for (const element of elements as { type: number; value?: unknown; options?: object }[]) {
      if (element.type >= 1 && element.type <= 6 && typeof element.value === 'string')
        names.add(element.value);
      for (const option of Object.values(element.options ?? {}) as { value: unknown[] }[]) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, 'en', undefined, { ignoreTag: true }).getAst());
  return names;
}

const keys = Object.keys(CATALOGUE) as MessageKey[];

describe('message catalogue', () => {
  it('has a sample for every key, and keys named area.what, each in one module', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...keys].sort());
    for (const key of keys) expect(key).toMatch(/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)*$/);
    const inModules = Object.values(CATALOGUE_MODULES).reduce((sum, m) => sum + Object.keys(m).length, 0);
    expect(inModules).toBe(keys.length);
  });

  describe.each(keys)('%s', (key) => {
    const declared = Object.keys(SAMPLES[key]).sort();

    it('has valid ICU in every language, using the same declared parameters', () => {
      const used = (['en', 'fr', 'fr-CA'] as const).map((language) => {
        const text = textOf(key, language);
        expect(text.trim()).not.toBe('');
        // French is written with typographic apostrophes: an ASCII one would start an ICU quote.
        if (language !== 'en') expect(text).not.toContain("'");
        else expect(text).not.toMatch(/'[{}#']/);
        return [...argumentsOf(text)].sort();
      });
      expect(used[1]).toEqual(used[0]);
      expect(used[2]).toEqual(used[0]);
      expect(used[0]).toEqual(declared);
    });

    it.each(Object.keys(LANGUAGES))('renders in %s with its parameters', (name) => {
      const params = SAMPLES[key];
      const text = render({ key, params: params as never }, LANGUAGES[name]);
      expect(text).not.toBe(key);
      expect(text).not.toMatch(/[{}]|undefined|NaN|\[object/);
    });
  });
});

describe('rendering', () => {
  const opens = msg('booking.notYetOpen', { opensAt: when });

  it('writes instants in the tenant time zone, as people write them', () => {
    expect(render(opens, LANGUAGES['fr-FR'])).toBe('La réservation ouvre le vendredi 4 juin 2027 à 12 h 30.');
    expect(render(opens, LANGUAGES['fr-CA'])).toBe('La réservation ouvre le vendredi 4 juin 2027 à 6 h 30.');
    expect(render(opens, LANGUAGES.en)).toBe('Booking opens on Friday 4 June 2027 at 11:30.');
    expect(render(opens, { locale: 'en-US', timeZone: 'America/New_York' })).toBe(
      'Booking opens on Friday, June 4, 2027 at 6:30 AM.',
    );
    // On the hour, French leaves out the minutes; the first of the month is "1er".
    expect(
      render(
        msg('booking.closed', { date: day('2027-07-01'), closesAt: instant('2027-06-01T08:00:00Z') }),
        LANGUAGES['fr-FR'],
      ),
    ).toBe('La réservation pour le jeudi 1er juillet 2027 a fermé le mardi 1er juin 2027 à 10 h.');
  });

  it('uses Québec words where they differ, plural rules, lists and amounts of the locale', () => {
    expect(render(msg('mode.counterOnly'), LANGUAGES['fr-FR'])).toMatch(/au guichet/);
    expect(render(msg('mode.counterOnly'), LANGUAGES['fr-CA'])).toMatch(/au comptoir/);
    expect(render(msg('booking.tooYoung', { months: 1 }), LANGUAGES.en)).toMatch(/from 1 month of age/);
    expect(render(msg('creditNote.units', { max: 1 }), LANGUAGES['fr-FR'])).toMatch(/1 unité/);
    expect(render(msg('creditNote.units', { max: 3 }), LANGUAGES['fr-FR'])).toMatch(/3 unités/);
    expect(
      render(msg('auth.keyTenantRequired', { tenants: oneOf(['beziers', 'nimes']) }), LANGUAGES['fr-FR']),
    ).toBe(
      'Cette clé d’API sert plusieurs collectivités : choisissez-en une avec l’en-tête X-Tenant : beziers ou nimes.',
    );
    expect(render(msg('payment.allocation', { max: amount(4150, 'EUR') }), LANGUAGES['fr-FR'])).toBe(
      'Affectez au plus 41,50\u00a0€ à cette facture.',
    );
    expect(render(msg('notFound', { what: 'Family' }), LANGUAGES['fr-FR'])).toBe('Famille introuvable.');
    expect(allOf(['a'])).toEqual({ allOf: ['a'] });
  });

  it('speaks English to other locales, and never throws', () => {
    expect(render(opens, { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toMatch(/^Booking opens on /);
    // A replay stored before messages had keys, a key since removed, a parameter missing.
    expect(render('Booking opens at 2027-06-04T10:30:00.000Z.', LANGUAGES['fr-FR'])).toBe(
      'Booking opens at 2027-06-04T10:30:00.000Z.',
    );
    expect(render({ key: 'gone.away' as MessageKey }, LANGUAGES['fr-FR'])).toBe('gone.away');
    expect(render({ key: 'booking.full' }, LANGUAGES['fr-FR'])).toBe('booking.full');
  });

  it('reads Accept-Language by weight: French or English, else nothing', () => {
    expect(acceptedLocale(undefined)).toBeNull();
    expect(acceptedLocale('fr-CA,fr;q=0.9,en;q=0.8')).toBe('fr-CA');
    expect(acceptedLocale('de;q=1, en-GB;q=0.5, fr;q=0.7')).toBe('fr');
    expect(acceptedLocale('de, *;q=0.1')).toBeNull();
    expect(acceptedLocale('not a tag;;q=x, fr')).toBe('fr');
  });

  it("gives readers the tenant's language unless they ask for another, always in its time zone", () => {
    const paris = LANGUAGES['fr-FR'];
    const quebec = LANGUAGES['fr-CA'];
    expect(readerLanguage(paris, null)).toEqual(paris);
    expect(readerLanguage(paris, 'en')).toEqual({ locale: 'en', timeZone: 'Europe/Paris' });
    expect(readerLanguage(paris, 'en-US')).toEqual({ locale: 'en-US', timeZone: 'Europe/Paris' });
    // The same language: the tenant's own variant (Québec's words for a Québec tenant).
    expect(readerLanguage(quebec, 'fr-FR')).toEqual(quebec);
    expect(readerLanguage({ locale: 'de-DE', timeZone: 'Europe/Berlin' }, 'fr')).toEqual({
      locale: 'fr',
      timeZone: 'Europe/Berlin',
    });
    expect(readerLanguage(null, 'fr-CA')).toEqual({ locale: 'fr-CA', timeZone: 'UTC' });
    expect(readerLanguage(null, null)).toEqual({ locale: 'en', timeZone: 'UTC' });
    expect(render(opens, readerLanguage(paris, 'en'))).toBe('Booking opens on Friday 4 June 2027 at 12:30.');
  });
});
