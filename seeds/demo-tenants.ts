import type { SchoolCalendar } from '../src/calendars/school-holidays';
import { FacilityKind } from '../src/facilities/facility.entity';
import { BillingUnit, ServiceKind } from '../src/facilities/service.entity';
import { OperatingMode, PaymentMethod } from '../src/tenants/tenant.entity';
import {
  WaitlistCriterionKind,
  WaitlistOrdering,
  WaitlistPromotion,
  type WaitlistCriterionSetting,
} from '../src/tenants/waitlist-settings';
import { SessionPeriod } from '../src/sessions/session.entity';

/** A service template applied to facilities of a kind. Prices are minor units by quotient bracket. */
export interface ServiceTemplate {
  kind: ServiceKind;
  name: string;
  unit: BillingUnit;
  capacity: number;
  periods: SessionPeriod[];
  /** ISO weekdays (1 = Monday) with sessions; none: the service has no sessions (e.g. water). */
  weekdays: number[];
  /** Brackets: [minQuotient, maxQuotient | null, unitPrice]. */
  prices: [number, number | null, number][];
  policy?: {
    opensAt?: string;
    opensDaysBefore?: number;
    closesDaysBefore?: number;
    closesAtTime?: string;
    closesOnWorkingDays?: boolean;
    cancellationNoticeDays?: number;
    allowsWalkIns?: boolean;
  };
  /** Sessions on explicit dates instead of the coming weeks (e.g. the summer at the leisure centre). */
  dates?: string[];
  /** Overrides of the tenant's waitlist policy. */
  waitlist?: { promotion?: WaitlistPromotion; ordering?: WaitlistOrdering; offerHours?: number };
}

export interface FacilityGroup {
  kind: FacilityKind;
  names: string[];
  capacity: [number, number];
  services: ServiceTemplate[];
}

export interface DemoTenant {
  slug: string;
  name: string;
  locale: string;
  timeZone: string;
  currency: string;
  holidayRegion: string;
  /** The French département (three digits) its schools' national codes (UAI) start with. */
  department?: string;
  config: {
    operatingMode: OperatingMode;
    billingSuspended: boolean;
    billingSuspendedSince?: string;
    cancellationNoticeDays: number;
    parentsMayJustifyAbsences?: boolean;
    instalmentMaxCount: number;
    instalmentMinAmount: number;
    counterPaymentMethods: PaymentMethod[];
    waitlistOfferDelayHours: number;
    waitlistOrdering?: WaitlistOrdering;
    waitlistPromotion?: WaitlistPromotion;
    waitlistCriteria?: WaitlistCriterionSetting[];
    publicNotice?: string;
    /** The school calendar closing school-day services: the académie's zone. */
    schoolCalendar?: SchoolCalendar;
    /** Origins of browser front ends allowed to call the API (CORS). */
    allowedOrigins?: string[];
  };
  /** Facilities made from templates (their capacity and address drawn at random). */
  facilities: FacilityGroup[];
  /**
   * A catalogue file of seeds/bootstrap/ (facilities, services, price grids…), set up through
   * the bootstrap (`npm run tenant:bootstrap`) before the templates' facilities.
   */
  catalogue?: string;
  /** Facilities without children attending (water network). */
  networkServices?: ServiceTemplate[];
  families: number;
  /** Canteen meals eaten since this date up to yesterday (the unbilled months of a suspension). */
  canteenHistorySince?: string;
  familyRefPrefix?: string;
  seed: number;
  childAges: [number, number];
  /** The next bookable leisure-centre days booked full, each with this many children waiting. */
  fullWithWaitlist?: { sessions: number; waiting: number };
  /** Childcare places (seeds/placements.ts): the commission's criteria [code, label, points], a temporary centre. */
  placements?: { criteria: [string, string, number][]; temporaryCentre?: string };
}

const schoolNames = (count: number, notables: string[]): string[] => {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const kind = i % 2 === 0 ? 'École élémentaire' : 'École maternelle';
    names.push(
      `${kind} ${notables[Math.floor(i / 2) % notables.length]}${i >= notables.length * 2 ? ' II' : ''}`,
    );
  }
  return names;
};

const canteen = (prices: ServiceTemplate['prices'], policy: ServiceTemplate['policy']): ServiceTemplate => ({
  kind: ServiceKind.CANTEEN,
  name: 'Restauration scolaire',
  unit: BillingUnit.MEAL,
  capacity: 180,
  periods: [SessionPeriod.LUNCH],
  weekdays: [1, 2, 4, 5],
  prices,
  policy,
});

/** A front end developed locally (`npm run dev` of most frameworks) may call every demo tenant. */
export const LOCAL_FRONT_END_ORIGINS = ['http://localhost:3000'];

export function demoTenants(notables: string[]): DemoTenant[] {
  return [
    {
      slug: 'nimes',
      name: 'Ville de Nîmes',
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      currency: 'EUR',
      holidayRegion: 'FR',
      department: '030',
      config: {
        operatingMode: OperatingMode.WALK_IN,
        billingSuspended: false,
        cancellationNoticeDays: 2,
        instalmentMaxCount: 6,
        instalmentMinAmount: 1500,
        counterPaymentMethods: [PaymentMethod.CARD, PaymentMethod.CHEQUE, PaymentMethod.CASH],
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        waitlistOfferDelayHours: 72,
        schoolCalendar: 'FR-C',
        publicNotice:
          'Suite à la cyberattaque de notre prestataire de restauration, les réservations en ligne sont suspendues. Les enfants sont accueillis à la cantine sans réservation ; les repas seront facturés en fin de mois.',
      },
      facilities: [
        {
          kind: FacilityKind.SCHOOL,
          names: schoolNames(83, notables),
          capacity: [120, 320],
          services: [
            canteen(
              [
                [0, 400, 100],
                [400, 700, 190],
                [700, 1100, 285],
                [1100, null, 370],
              ],
              {
                closesDaysBefore: 1,
                closesAtTime: '10:00',
                closesOnWorkingDays: true,
                cancellationNoticeDays: 1,
              },
            ),
          ],
        },
      ],
      families: 320,
      seed: 30000,
      childAges: [3, 11],
    },
    {
      slug: 'beziers',
      name: 'Ville de Béziers',
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      currency: 'EUR',
      holidayRegion: 'FR',
      department: '034',
      config: {
        operatingMode: OperatingMode.NORMAL,
        billingSuspended: false,
        cancellationNoticeDays: 2,
        instalmentMaxCount: 4,
        instalmentMinAmount: 2000,
        counterPaymentMethods: [PaymentMethod.CARD, PaymentMethod.CHEQUE],
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        waitlistOfferDelayHours: 48,
        // The centre aéré has more demand than places: siblings, social priority, then first come.
        waitlistOrdering: WaitlistOrdering.PRIORITY_THEN_FIFO,
        waitlistPromotion: WaitlistPromotion.AUTO_BOOK,
        waitlistCriteria: [
          { kind: WaitlistCriterionKind.SOCIAL_PRIORITY, label: 'Priorité sociale (CCAS)', points: 50 },
          {
            kind: WaitlistCriterionKind.SIBLING_BOOKED,
            label: 'Frère ou sœur déjà inscrit ce jour',
            points: 20,
          },
          {
            kind: WaitlistCriterionKind.RESIDENT,
            label: 'Habitant de Béziers',
            points: 5,
            postalCodes: ['34500'],
          },
        ],
        schoolCalendar: 'FR-C',
      },
      facilities: [
        {
          kind: FacilityKind.SCHOOL,
          names: schoolNames(22, notables.slice(10)),
          capacity: [100, 260],
          services: [
            canteen(
              [
                [0, 500, 120],
                [500, 900, 260],
                [900, null, 395],
              ],
              {
                closesDaysBefore: 2,
                closesAtTime: '09:00',
                closesOnWorkingDays: true,
                cancellationNoticeDays: 2,
              },
            ),
          ],
        },
        {
          kind: FacilityKind.NURSERY,
          names: ['Crèche Les Petits Lutins', 'Crèche La Courte Échelle'],
          capacity: [40, 60],
          services: [
            {
              kind: ServiceKind.NURSERY,
              name: 'Accueil en crèche',
              unit: BillingUnit.HOUR,
              capacity: 40,
              periods: [SessionPeriod.FULL_DAY],
              weekdays: [1, 2, 3, 4, 5],
              prices: [
                [0, 600, 60],
                [600, 1200, 150],
                [1200, null, 290],
              ],
              policy: { closesDaysBefore: 7, closesAtTime: '12:00', cancellationNoticeDays: 7 },
            },
          ],
        },
        {
          kind: FacilityKind.LEISURE_CENTRE,
          names: ['Centre aéré de Bayssan'],
          capacity: [60, 60],
          services: [
            {
              kind: ServiceKind.LEISURE_CENTRE,
              name: 'Centre aéré du mercredi',
              unit: BillingUnit.DAY,
              capacity: 60,
              periods: [SessionPeriod.FULL_DAY],
              weekdays: [3],
              prices: [
                [0, 500, 400],
                [500, 900, 900],
                [900, null, 1600],
              ],
              policy: {
                opensDaysBefore: 30,
                closesDaysBefore: 3,
                closesAtTime: '12:00',
                cancellationNoticeDays: 7,
              },
            },
          ],
        },
      ],
      families: 240,
      placements: {
        criteria: [
          ['DISABILITY', 'Enfant en situation de handicap', 50],
          ['RESIDENT', 'Famille domiciliée à Béziers', 20],
          ['SIBLING', 'Frère ou sœur accueilli dans la crèche', 30],
          ['SOCIAL', 'Situation sociale signalée', 40],
        ],
      },
      // One Wednesday full: the weeks after it stay open to booking (bulk bookings, the stories).
      fullWithWaitlist: { sessions: 1, waiting: 24 },
      familyRefPrefix: 'BZ-',
      seed: 34500,
      childAges: [0, 11],
    },
    {
      slug: 'saint-nazaire',
      name: 'Ville de Saint-Nazaire — Espace Famille',
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      currency: 'EUR',
      holidayRegion: 'FR',
      department: '044',
      config: {
        operatingMode: OperatingMode.NORMAL,
        billingSuspended: true,
        billingSuspendedSince: '2026-03-01',
        cancellationNoticeDays: 15,
        parentsMayJustifyAbsences: true,
        instalmentMaxCount: 10,
        instalmentMinAmount: 1000,
        counterPaymentMethods: [PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.CARD],
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        waitlistOfferDelayHours: 72,
        schoolCalendar: 'FR-B',
        publicNotice:
          "La facturation est suspendue depuis mars suite à la cyberattaque : les sommes non facturées seront regroupées et pourront être réglées en plusieurs fois. Des acomptes peuvent être versés à l'accueil de l'Espace Famille.",
      },
      facilities: [
        {
          kind: FacilityKind.SCHOOL,
          names: schoolNames(12, notables.slice(20)),
          capacity: [120, 240],
          services: [
            canteen(
              [
                [0, 450, 95],
                [450, 800, 245],
                [800, null, 410],
              ],
              {
                closesDaysBefore: 1,
                closesAtTime: '10:00',
                closesOnWorkingDays: true,
                cancellationNoticeDays: 15,
              },
            ),
            {
              kind: ServiceKind.PERISCHOOL,
              name: 'Accueil périscolaire',
              unit: BillingUnit.HALF_DAY,
              capacity: 60,
              periods: [SessionPeriod.MORNING, SessionPeriod.EVENING],
              weekdays: [1, 2, 4, 5],
              prices: [
                [0, 450, 50],
                [450, 800, 120],
                [800, null, 210],
              ],
              policy: {
                closesDaysBefore: 1,
                closesAtTime: '18:00',
                allowsWalkIns: true,
                cancellationNoticeDays: 15,
              },
            },
          ],
        },
        {
          kind: FacilityKind.LEISURE_CENTRE,
          names: [
            'Centre de loisirs de la Chesnaie',
            'Centre de loisirs du Bois Joalland',
            "Centre de loisirs de l'Immaculée",
          ],
          capacity: [80, 120],
          services: [
            {
              kind: ServiceKind.LEISURE_CENTRE,
              name: 'Centre de loisirs — été 2027',
              unit: BillingUnit.DAY,
              capacity: 80,
              periods: [SessionPeriod.FULL_DAY],
              weekdays: [],
              dates: summerDays('2027-07-07', '2027-08-27'),
              prices: [
                [0, 450, 350],
                [450, 800, 1050],
                [800, null, 1850],
              ],
              policy: {
                opensAt: '2027-06-04T12:30:00+02:00',
                closesDaysBefore: 15,
                closesAtTime: '23:59',
                cancellationNoticeDays: 15,
              },
              // The summer fills in minutes: a freed place is offered for 24 hours, not imposed.
              waitlist: { promotion: WaitlistPromotion.OFFER, offerHours: 24 },
            },
          ],
        },
        {
          kind: FacilityKind.NURSERY,
          names: ['Multi-accueil Les Mouettes', 'Crèche Ker Lenn'],
          capacity: [30, 45],
          services: [
            {
              kind: ServiceKind.NURSERY,
              name: 'Multi-accueil',
              unit: BillingUnit.HOUR,
              capacity: 30,
              periods: [SessionPeriod.FULL_DAY],
              weekdays: [1, 2, 3, 4, 5],
              prices: [
                [0, 600, 55],
                [600, 1200, 160],
                [1200, null, 300],
              ],
              policy: { closesDaysBefore: 7, closesAtTime: '12:00', cancellationNoticeDays: 15 },
            },
          ],
        },
      ],
      networkServices: [
        {
          kind: ServiceKind.WATER,
          name: "Distribution d'eau potable",
          unit: BillingUnit.CUBIC_METRE,
          capacity: 0,
          periods: [],
          weekdays: [],
          prices: [[0, null, 312]],
        },
      ],
      families: 260,
      placements: {
        criteria: [
          ['DISABILITY', 'Enfant en situation de handicap', 50],
          ['RESIDENT', 'Famille domiciliée dans l’agglomération', 20],
          ['SIBLING', 'Fratrie déjà accueillie', 30],
          ['SENIORITY', 'Demande renouvelée depuis plus d’un an', 10],
        ],
      },
      canteenHistorySince: '2026-03-02',
      seed: 44600,
      childAges: [0, 12],
    },
    {
      slug: 'quebec',
      name: 'Coopérative Enfance Famille — La Place 0-5',
      locale: 'fr-CA',
      timeZone: 'America/Toronto',
      currency: 'CAD',
      holidayRegion: 'CA-QC',
      config: {
        operatingMode: OperatingMode.NORMAL,
        billingSuspended: false,
        cancellationNoticeDays: 0,
        instalmentMaxCount: 1,
        instalmentMinAmount: 0,
        counterPaymentMethods: [],
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        waitlistOfferDelayHours: 120,
        publicNotice:
          "Le guichet unique d'accès aux places en service de garde est rétabli. Les places urgentes attribuées pendant l'interruption restent valides.",
      },
      // Its eight CPE, their places and prices: seeds/bootstrap/quebec.yaml.
      catalogue: 'quebec.yaml',
      facilities: [],
      families: 180,
      placements: {
        criteria: [
          ['SIBLING', 'Frère ou sœur fréquentant le CPE', 30],
          ['DISABILITY', 'Enfant ayant des besoins particuliers', 50],
          ['CLSC_REFERRAL', 'Référence du CLSC (services sociaux)', 60],
          ['STUDENT_PARENT', 'Parent aux études', 15],
        ],
        temporaryCentre: 'Centre temporaire de Limoilou',
      },
      seed: 41800,
      childAges: [0, 5],
    },
  ];
}

function summerDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}
