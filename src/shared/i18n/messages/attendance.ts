import { m, type Day } from '../message';
import { STATUS_EN, STATUS_FR } from './booking';

/** The roll call, absences and the caterer's counts. */
export const attendance = {
  'attendance.unlockWhich': m({
    en: 'Name the session, or the facility and the date (not both).',
    fr: 'Indiquez la séance, ou l’établissement et la date (pas les deux).',
  }),
  'attendance.notBilled': m<{ date: Day }>({
    en: 'The attendance of {date} is not billed yet: it can be corrected without unlocking.',
    fr: 'Les présences du {date} ne sont pas encore facturées : elles se corrigent sans déverrouillage.',
  }),
  'rollCall.dayBilled': m<{ date: Day; through: Day }>({
    en: 'The attendance of {date} has been billed (billing run through {through}): an agent must unlock the day (unlockAttendanceDay, with a reason) before correcting it.',
    fr: 'Les présences du {date} ont été facturées (facturation jusqu’au {through}) : un agent doit déverrouiller la journée (unlockAttendanceDay, avec un motif) avant de les corriger.',
  }),
  'attendance.reasonRequired': m({
    en: 'Give the reason (it is kept in the audit trail).',
    fr: 'Indiquez le motif (il est conservé dans le journal d’audit).',
  }),
  'attendance.conflictResolved': m({
    en: 'This conflict was already resolved: record the roll call again to correct it.',
    fr: 'Ce conflit est déjà résolu : refaites l’appel pour le corriger.',
  }),
  'rollCall.tooMany': m<{ max: number }>({
    en: 'A roll call names at most {max} children.',
    fr: 'Un appel nomme au plus {max} enfants.',
  }),
  'rollCall.readOnly': m({
    en: 'This service is read-only for now: the roll call cannot be recorded until it reopens.',
    fr: 'Ce service est en lecture seule pour l’instant : l’appel ne peut pas être enregistré avant sa réouverture.',
  }),
  'rollCall.notYet': m<{ date: Day }>({
    en: 'The roll call of {date} opens on that day.',
    fr: 'L’appel du {date} s’ouvre ce jour-là.',
  }),
  'rollCall.namedTwice': m({
    en: 'This child is named twice in the roll call.',
    fr: 'Cet enfant est nommé deux fois dans l’appel.',
  }),
  'rollCall.noReservation': m({
    en: 'This child has no reservation for the session.',
    fr: 'Cet enfant n’a pas de réservation pour cette séance.',
  }),
  'rollCall.noWalkIns': m({
    en: 'This child has no reservation, and the service takes no walk-ins in its current mode.',
    fr: 'Cet enfant n’a pas de réservation, et le service n’accueille pas sans réservation dans son mode actuel.',
  }),
  'rollCall.bookedElsewhere': m({
    en: 'This child is booked elsewhere at that time: cancel that reservation first.',
    fr: 'Cet enfant est inscrit ailleurs à la même heure : annulez d’abord cette réservation.',
  }),
  'rollCall.capacityReached': m({
    en: "The facility's physical capacity is reached.",
    fr: 'La capacité d’accueil de l’établissement est atteinte.',
  }),
  'rollCall.locked': m<{ status: string }>({
    en: `This reservation is invoiced (${STATUS_EN}): correct it with a credit note.`,
    fr: `Cette réservation est facturée (${STATUS_FR}) : corrigez-la par un avoir.`,
  }),
  'absence.unknownReason': m<{ reason: string }>({
    en: 'No absence reason "{reason}".',
    fr: 'Aucun motif d’absence « {reason} ».',
  }),
  'absence.documentRequired': m<{ label: string }>({
    en: '"{label}" needs a supporting document.',
    fr: '« {label} » demande un justificatif.',
  }),
  'absence.nothingToJustify': m<{ status: string }>({
    en: `There is no absence to justify on this reservation (${STATUS_EN}).`,
    fr: `Il n’y a pas d’absence à justifier sur cette réservation (${STATUS_FR}).`,
  }),
  'absence.doesNotExcuseLate': m<{ label: string }>({
    en: '"{label}" does not excuse a cancellation given after the notice deadline.',
    fr: '« {label} » n’excuse pas une annulation faite après le délai de prévenance.',
  }),
  'absence.locked': m({
    en: 'This reservation is invoiced: correct it with a credit note.',
    fr: 'Cette réservation est facturée : corrigez-la par un avoir.',
  }),
  'absence.codeFormat': m<{ max: number }>({
    en: 'A code is upper case letters, digits and _ (at most {max}).',
    fr: 'Un code s’écrit en majuscules, chiffres et _ (au plus {max}).',
  }),
  'absence.labelLength': m<{ max: number }>({
    en: 'A label is 1 to {max} characters.',
    fr: 'Un libellé compte de 1 à {max} caractères.',
  }),
};
