import { m, type Day, type Instant } from '../message';

/** A reservation's status as a noun (ICU select on `status`), e.g. "(attendance)". */
export const STATUS_EN =
  '{status, select, BOOKED {booking} CANCELLED {cancellation} LATE_CANCELLED {late cancellation} ATTENDED {attendance} ABSENT_JUSTIFIED {justified absence} ABSENT_UNJUSTIFIED {unjustified absence} other {{status}}}';
export const STATUS_FR =
  '{status, select, BOOKED {réservation} CANCELLED {annulation} LATE_CANCELLED {annulation hors délai} ATTENDED {présence} ABSENT_JUSTIFIED {absence justifiée} ABSENT_UNJUSTIFIED {absence non justifiée} other {{status}}}';

/** Booking, cancelling, and what an operating mode allows. */
export const booking = {
  'booking.sessionCount': m<{ max: number }>({
    en: 'Give 1 to {max} sessions.',
    fr: 'Indiquez de 1 à {max} séances.',
  }),
  'booking.notYetOpen': m<{ opensAt: Instant }>({
    en: 'Booking opens on {opensAt}.',
    fr: 'La réservation ouvre le {opensAt}.',
  }),
  'booking.closed': m<{ date: Day; closesAt: Instant }>({
    en: 'Booking for {date} closed on {closesAt}.',
    fr: 'La réservation pour le {date} a fermé le {closesAt}.',
  }),
  'booking.holiday': m<{ date: Day; holiday: string }>({
    en: 'Closed on {date} ({holiday}).',
    fr: 'Fermé le {date} ({holiday}).',
  }),
  'booking.tooYoung': m<{ months: number }>({
    en: 'This service takes children from {months, plural, one {# month} other {# months}} of age.',
    fr: 'Ce service accueille les enfants à partir de {months} mois.',
  }),
  'booking.tooOld': m<{ months: number }>({
    en: 'This service takes children under {months, plural, one {# month} other {# months}} of age.',
    fr: 'Ce service accueille les enfants de moins de {months} mois.',
  }),
  'booking.notAPupil': m({
    en: "This service takes its school's pupils only.",
    fr: 'Ce service n’accueille que les élèves de son école.',
  }),
  'booking.atSchool': m({
    en: 'This service takes children not yet at school.',
    fr: 'Ce service accueille les enfants qui ne vont pas encore à l’école.',
  }),
  'booking.alreadyBooked': m<{ date: Day }>({
    en: 'Already booked for this child on {date}.',
    fr: 'Déjà réservé pour cet enfant le {date}.',
  }),
  'booking.overlap': m<{ date: Day }>({
    en: 'On {date} the child is already booked elsewhere at that time.',
    fr: 'Le {date}, l’enfant est déjà inscrit ailleurs à la même heure.',
  }),
  'booking.full': m<{ date: Day }>({
    en: 'No place left on {date}.',
    fr: 'Plus de place le {date}.',
  }),
  'mode.readOnly': m({
    en: 'This service is read-only for now: no booking can change.',
    fr: 'Ce service est en lecture seule pour l’instant : aucune réservation ne peut changer.',
  }),
  'mode.walkIn': m({
    en: 'Online booking is closed: children are welcomed without a reservation.',
    fr: 'La réservation en ligne est fermée : les enfants sont accueillis sans réservation.',
  }),
  'mode.counterOnly': m({
    en: 'Online booking is closed: please book at the counter.',
    fr: 'La réservation en ligne est fermée : réservez au guichet.',
    'fr-CA': 'La réservation en ligne est fermée : réservez au comptoir.',
  }),
  'mode.reasonRequired': m<{ max: number }>({
    en: 'Give a reason (1 to {max} characters).',
    fr: 'Indiquez un motif (1 à {max} caractères).',
  }),
  'mode.tenantNeedsMode': m({
    en: 'A tenant always has a mode.',
    fr: 'Une collectivité a toujours un mode de fonctionnement.',
    'fr-CA': 'Une organisation a toujours un mode de fonctionnement.',
  }),
  'cancel.count': m<{ max: number }>({
    en: 'Give 1 to {max} reservations.',
    fr: 'Indiquez de 1 à {max} réservations.',
  }),
  'cancel.namedTwice': m({
    en: 'This reservation is named twice.',
    fr: 'Cette réservation est indiquée deux fois.',
  }),
  'cancel.notCancellable': m<{ status: string }>({
    en: 'This reservation cannot be cancelled: {status, select, CANCELLED {it is already cancelled} LATE_CANCELLED {it is already cancelled} ATTENDED {the child attended} ABSENT_JUSTIFIED {the absence is justified} ABSENT_UNJUSTIFIED {the child was absent} other {its status is {status}}}.',
    fr: 'Cette réservation ne peut pas être annulée : {status, select, CANCELLED {elle est déjà annulée} LATE_CANCELLED {elle est déjà annulée} ATTENDED {l’enfant était présent} ABSENT_JUSTIFIED {l’absence est justifiée} ABSENT_UNJUSTIFIED {l’enfant était absent} other {son statut est {status}}}.',
  }),
  'bookingStatus.childRequired': m({
    en: 'Name the child (childId): booking depends on who attends.',
    fr: 'Indiquez l’enfant (childId) : la réservation dépend de qui vient.',
  }),
  'pricing.noPrice': m<{ date: Day }>({
    en: 'The service has no price for {date}: complete its price grid first.',
    fr: 'Le service n’a pas de tarif pour le {date} : complétez d’abord sa grille tarifaire.',
  }),
};
