import type { BootstrapFile } from '../src/administration/bootstrap/bootstrap';
import type { SchoolCalendar } from '../src/calendars/school-holidays';
import { BillingUnit, ServiceKind } from '../src/facilities/service.entity';
import { OperatingMode } from '../src/tenants/tenant.entity';
import {
  WaitlistCriterionKind,
  WaitlistOrdering,
  WaitlistPromotion,
  type WaitlistCriterionSetting,
} from '../src/tenants/waitlist-settings';
import { SessionPeriod } from '../src/sessions/session.entity';

/**
 * How a service's sessions are laid out around the day of the seed (the catalogue files hold no
 * dates: the demo's sessions follow the day it is seeded). Services are named as in the file.
 */
export interface SessionSchedule {
  periods: SessionPeriod[];
  /** ISO weekdays (1 = Monday) with sessions in the seeded weeks. */
  weekdays: number[];
  /** Sessions on these dates instead of the seeded weeks (e.g. the summer at the leisure centres). */
  dates?: string[];
}

/**
 * A service of no facility (the water network), which the catalogue files cannot declare yet:
 * created by the seed with its one price grid (brackets [minQuotient, maxQuotient | null,
 * unitPrice], minor units) and no sessions.
 */
export interface NetworkService {
  kind: ServiceKind;
  name: string;
  unit: BillingUnit;
  prices: [number, number | null, number][];
}

export interface DemoTenant {
  slug: string;
  name: string;
  locale: string;
  timeZone: string;
  currency: string;
  holidayRegion: string;
  /**
   * What the catalogue file's `configuration` cannot say: the operating mode, billing suspended,
   * the waitlist policy, browser origins. The rest of the configuration (notice days, payment
   * plans, counter payment methods, the waitlist's offer delay, the public notice) is the file's.
   */
  config: {
    operatingMode: OperatingMode;
    billingSuspended: boolean;
    billingSuspendedSince?: string;
    waitlistOrdering?: WaitlistOrdering;
    waitlistPromotion?: WaitlistPromotion;
    waitlistCriteria?: WaitlistCriterionSetting[];
    /** The school calendar closing school-day services: the académie's zone. */
    schoolCalendar?: SchoolCalendar;
    /** Origins of browser front ends allowed to call the API (CORS). */
    allowedOrigins?: string[];
  };
  /**
   * Its catalogue (configuration, facilities, services, price grids): a file of seeds/bootstrap/,
   * or a catalogue of that shape (a suite's copy with part of it), set up through the bootstrap
   * (`npm run tenant:bootstrap`).
   */
  catalogue: string | BootstrapFile;
  /** The sessions of each service of the catalogue, by the service's name. */
  schedules: Record<string, SessionSchedule>;
  /** Services of no facility (water network). */
  networkServices?: NetworkService[];
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

/** A front end developed locally (`npm run dev` of most frameworks) may call every demo tenant. */
export const LOCAL_FRONT_END_ORIGINS = ['http://localhost:3000'];

/** School canteens: lunch on Monday, Tuesday, Thursday and Friday. */
const CANTEEN_LUNCHES: SessionSchedule = { periods: [SessionPeriod.LUNCH], weekdays: [1, 2, 4, 5] };

/**
 * The four reference tenants of docs/design.md. Their catalogues are the files of
 * seeds/bootstrap/; what is here is what those files cannot hold (see `DemoTenant`).
 */
export function demoTenants(): DemoTenant[] {
  return [
    {
      slug: 'nimes',
      name: 'Ville de Nîmes',
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      currency: 'EUR',
      holidayRegion: 'FR',
      config: {
        operatingMode: OperatingMode.WALK_IN,
        billingSuspended: false,
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        schoolCalendar: 'FR-C',
      },
      // Its 83 schools and their canteens: seeds/bootstrap/nimes.yaml.
      catalogue: 'nimes.yaml',
      schedules: { 'Restauration scolaire': CANTEEN_LUNCHES },
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
      config: {
        operatingMode: OperatingMode.NORMAL,
        billingSuspended: false,
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
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
      // Its 22 schools, two crèches and the centre aéré: seeds/bootstrap/beziers.yaml.
      catalogue: 'beziers.yaml',
      schedules: {
        'Restauration scolaire': CANTEEN_LUNCHES,
        'Accueil en crèche': { periods: [SessionPeriod.FULL_DAY], weekdays: [1, 2, 3, 4, 5] },
        'Centre aéré du mercredi': { periods: [SessionPeriod.FULL_DAY], weekdays: [3] },
      },
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
      config: {
        operatingMode: OperatingMode.NORMAL,
        billingSuspended: true,
        billingSuspendedSince: '2026-03-01',
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
        schoolCalendar: 'FR-B',
      },
      // Its 12 schools, three leisure centres and two crèches: seeds/bootstrap/saint-nazaire.yaml.
      catalogue: 'saint-nazaire.yaml',
      schedules: {
        'Restauration scolaire': CANTEEN_LUNCHES,
        'Accueil périscolaire': {
          periods: [SessionPeriod.MORNING, SessionPeriod.EVENING],
          weekdays: [1, 2, 4, 5],
        },
        'Centre de loisirs — été 2027': {
          periods: [SessionPeriod.FULL_DAY],
          weekdays: [],
          dates: summerDays('2027-07-07', '2027-08-27'),
        },
        'Multi-accueil': { periods: [SessionPeriod.FULL_DAY], weekdays: [1, 2, 3, 4, 5] },
      },
      networkServices: [
        {
          kind: ServiceKind.WATER,
          name: "Distribution d'eau potable",
          unit: BillingUnit.CUBIC_METRE,
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
        allowedOrigins: [...LOCAL_FRONT_END_ORIGINS],
      },
      // Its eight CPE, their places and prices: seeds/bootstrap/quebec.yaml.
      catalogue: 'quebec.yaml',
      // Childcare places have no sessions: attendance is the placement's (seeds/placements.ts).
      schedules: {},
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
