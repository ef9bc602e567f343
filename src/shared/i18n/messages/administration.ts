import { m, type AllOf, type Day } from '../message';

/** Administration: calendars, quotients, price grids, capacities, the audit trail, input checks. */
export const administration = {
  'admin.notFound': m<{ what: 'Facility' | 'ClosurePeriod' | 'Service' }>({
    en: '{what, select, Facility {Facility} ClosurePeriod {Closure period} Service {Service} other {Object}} not found.',
    fr: '{what, select, Facility {Établissement} ClosurePeriod {Période de fermeture} Service {Service} other {Objet}} introuvable.',
  }),
  'admin.empty': m<{ field: string }>({
    en: '"{field}" must not be empty.',
    fr: '« {field} » ne doit pas être vide.',
  }),
  'admin.tooLong': m<{ field: string; max: number }>({
    en: '"{field}" is longer than {max} characters.',
    fr: '« {field} » dépasse {max} caractères.',
  }),
  'admin.notEmail': m<{ field: string }>({
    en: '"{field}" is not an email address.',
    fr: '« {field} » n’est pas une adresse électronique.',
  }),
  'admin.notPhone': m<{ field: string }>({
    en: '"{field}" is not a phone number (6 to 15 digits, an optional +).',
    fr: '« {field} » n’est pas un numéro de téléphone (6 à 15 chiffres, un + facultatif).',
  }),
  'admin.budgetCode': m<{ value: string }>({
    en: '"{value}" is not a treasury budget code (1 to 10 letters and digits).',
    fr: '« {value} » n’est pas un code budget du Trésor (1 à 10 lettres et chiffres).',
  }),
  'admin.between': m<{ field: string; min: number; max: number }>({
    en: '"{field}" must be between {min} and {max}.',
    fr: '« {field} » doit être compris entre {min} et {max}.',
  }),
  'admin.endBeforeStart': m<{ field: string; from: Day; to: Day }>({
    en: '"{field}" ({to}) is before the start ({from}).',
    fr: '« {field} » ({to}) précède le début ({from}).',
  }),
  'admin.periodTooLong': m<{ days: number; max: number }>({
    en: 'The period covers {days} days; at most {max}.',
    fr: 'La période couvre {days} jours ; {max} au plus.',
  }),
  'admin.dateInFuture': m<{ field: string; value: Day }>({
    en: '"{field}" ({value}) is in the future.',
    fr: '« {field} » ({value}) est dans le futur.',
  }),
  'admin.dateTooOld': m<{ field: string; value: Day }>({
    en: '"{field}" ({value}) is more than 25 years ago.',
    fr: '« {field} » ({value}) remonte à plus de 25 ans.',
  }),
  'admin.weekdays': m({
    en: 'Name at least one weekday.',
    fr: 'Indiquez au moins un jour de la semaine.',
  }),
  'admin.servicesAtFacility': m<{ count: number; kind: string }>({
    en: 'The facility has {count} {kind} services: give one of them as serviceId instead.',
    fr: 'L’établissement a {count} services {kind} : donnez plutôt l’un d’eux comme serviceId.',
  }),
  'admin.capacityBelowTaken': m<{ taken: number }>({
    en: '{taken} places are taken: the capacity cannot go below {taken}.',
    fr: '{taken} places sont prises : la capacité ne peut pas descendre sous {taken}.',
  }),
  'admin.quotientTooFarAhead': m<{ days: number }>({
    en: '"effectiveFrom" is more than {days} days ahead.',
    fr: '« effectiveFrom » est à plus de {days} jours.',
  }),
  'admin.auditInstantYears': m<{ field: string; min: number; max: number }>({
    en: '"{field}" must be an instant of the years {min} to {max}.',
    fr: '« {field} » doit être un instant des années {min} à {max}.',
  }),
  'admin.auditFromAfterTo': m({
    en: '"filter.from" is after "filter.to".',
    fr: '« filter.from » est postérieur à « filter.to ».',
  }),
  'admin.guardianCount': m<{ max: number }>({
    en: 'Give 1 to {max} guardians.',
    fr: 'Indiquez de 1 à {max} responsables.',
  }),
  'admin.guardianUnreachable': m<{ n: number }>({
    en: 'Guardian {n} needs an email address or a phone number.',
    fr: 'Le responsable {n} doit avoir une adresse électronique ou un numéro de téléphone.',
  }),
  'admin.duplicateExternalRef': m<{ ref: string; family: string }>({
    en: 'The file number "{ref}" is already {family}’s.',
    fr: 'Le numéro de dossier « {ref} » est déjà celui de {family}.',
  }),
  'admin.duplicateEmail': m<{ email: string; family: string }>({
    en: '{email} is already a guardian’s email in {family}: update that family, or merge the two.',
    fr: '{email} est déjà l’adresse d’un responsable de {family} : modifiez cette famille, ou fusionnez les deux.',
  }),
  'admin.duplicateChild': m<{ name: string }>({
    en: 'The family already has a child {name} born that day.',
    fr: 'La famille a déjà un enfant {name} né ce jour-là.',
  }),
  'admin.staffOnly': m<{ field: string }>({
    en: '"{field}" is changed by the town’s agents only.',
    fr: '« {field} » n’est modifié que par les agents de la ville.',
  }),
  'admin.archiveWithBookings': m<{ reservations: number; waitlisted: number }>({
    en: 'There are still {reservations} bookings and {waitlisted} waitlist entries from today on: cancel them first.',
    fr: 'Il reste {reservations} réservations et {waitlisted} inscriptions en liste d’attente à partir d’aujourd’hui : annulez-les d’abord.',
  }),
  'admin.notASchool': m<{ name: string }>({
    en: '{name} is not a school or a crèche.',
    fr: '{name} n’est ni une école ni une crèche.',
  }),
  'admin.alreadyHousehold': m({
    en: 'This family is already one of the child’s households.',
    fr: 'Cette famille est déjà l’un des foyers de l’enfant.',
  }),
  'admin.notAHousehold': m({
    en: 'This family is not one of the child’s other households.',
    fr: 'Cette famille n’est pas l’un des autres foyers de l’enfant.',
  }),
  'admin.mergeSame': m({
    en: 'A record cannot be merged into itself.',
    fr: 'Un dossier ne peut pas être fusionné avec lui-même.',
  }),
  'admin.alreadyMerged': m({
    en: 'This record was already merged into another one (relatedId): merge into that one.',
    fr: 'Ce dossier a déjà été fusionné avec un autre (relatedId) : fusionnez avec celui-ci.',
  }),
  'admin.mergeInvoices': m<{ rows: string }>({
    en: 'Both families have an invoice for the same month: {rows}. Credit one of them first.',
    fr: 'Les deux familles ont une facture pour le même mois : {rows}. Annulez d’abord l’une d’elles par un avoir.',
  }),
  'admin.mergeDebits': m({
    en: 'Both families have a direct debit for the same service: stop one of them first.',
    fr: 'Les deux familles ont un prélèvement pour le même service : arrêtez d’abord l’un d’eux.',
  }),
  'admin.mergeOpeningBalances': m<{ refs: AllOf }>({
    en: 'Both families have an opening balance with the document reference {refs} (one debt imported for both households?): merged, it would be billed twice.',
    fr: 'Les deux familles ont un solde antérieur de référence de pièce {refs} (une même dette importée pour les deux foyers ?) : fusionnées, elle serait facturée deux fois.',
  }),
  'admin.mergeOverlap': m<{ count: number; dates: AllOf }>({
    en: 'Both records are booked (or waitlisted) at the same time on {count} sessions ({dates}): cancel one of each pair first.',
    fr: 'Les deux dossiers sont réservés (ou en liste d’attente) au même moment sur {count} séances ({dates}) : annulez d’abord l’une de chaque paire.',
  }),
  'admin.endsInPast': m<{ today: Day }>({
    en: '"endsOn" is in the past (today is {today}).',
    fr: '« endsOn » est dans le passé (nous sommes le {today}).',
  }),
  'admin.notNationalCode': m<{ code: string }>({
    en: '{code} is not a school’s national code (UAI: seven digits and its check letter, e.g. 0301001A).',
    fr: '{code} n’est pas un numéro UAI (sept chiffres et sa lettre clé, par exemple 0301001A).',
  }),
  'admin.notTime': m<{ field: string }>({
    en: '"{field}" must be a time HH:MM (00:00 to 23:59).',
    fr: '« {field} » doit être une heure HH:MM (00:00 à 23:59).',
  }),
  'admin.archiveBookedSessions': m<{ count: number }>({
    en: '{count} sessions ahead still hold bookings: cancel them (cancelSession) first.',
    fr: '{count} séances à venir ont encore des réservations : annulez-les d’abord (cancelSession).',
  }),
  'admin.sessionCancelled': m<{ date: Day }>({
    en: 'The session of {date} was cancelled by the town.',
    fr: 'La séance du {date} a été annulée par la ville.',
  }),
  'admin.sessionPast': m<{ date: Day }>({
    en: 'The session of {date} has passed: correct its roll call or invoice instead.',
    fr: 'La séance du {date} est passée : corrigez plutôt son appel ou sa facture.',
  }),
  'admin.notTimeZone': m<{ value: string }>({
    en: '"{value}" is not an IANA time zone (e.g. Europe/Paris, America/Montreal).',
    fr: '« {value} » n’est pas un fuseau horaire IANA (par exemple Europe/Paris, America/Montreal).',
  }),
  'admin.notLocale': m<{ value: string }>({
    en: '"{value}" is not a French or English BCP 47 locale (e.g. fr-FR, fr-CA, en-CA).',
    fr: '« {value} » n’est pas une langue BCP 47 française ou anglaise (par exemple fr-FR, fr-CA, en-CA).',
  }),
  'grid.pricedUpTo': m<{ last: Day; today: Day }>({
    en: 'Charges of this service up to {last} were priced with the grid in force: a new grid starts after {last} (or from today, {today}).',
    fr: 'Les consommations de ce service jusqu’au {last} ont été tarifées avec la grille en vigueur : une nouvelle grille commence après le {last} (ou à partir d’aujourd’hui, le {today}).',
  }),
  'grid.count': m<{ max: number }>({
    en: 'Give 1 to {max} brackets.',
    fr: 'Donnez de 1 à {max} tranches.',
  }),
  'grid.lowerBound': m<{ n: number }>({
    en: 'Bracket {n}: the lower bound must be a whole number from 0.',
    fr: 'Tranche {n} : la borne inférieure doit être un nombre entier à partir de 0.',
  }),
  'grid.upperBound': m<{ n: number; max: string; min: number }>({
    en: 'Bracket {n}: the upper bound ({max}) must be above its lower bound ({min}).',
    fr: 'Tranche {n} : la borne supérieure ({max}) doit dépasser sa borne inférieure ({min}).',
  }),
  'grid.price': m<{ n: number; max: number }>({
    en: 'Bracket {n}: the price must be 0 to {max} minor units.',
    fr: 'Tranche {n} : le prix va de 0 à {max} centimes.',
  }),
  'grid.startsAboveZero': m<{ n: number; min: number }>({
    en: 'Bracket {n} starts at {min}: quotients from 0 to {min} have no price.',
    fr: 'La tranche {n} commence à {min} : les quotients de 0 à {min} n’ont pas de prix.',
  }),
  'grid.openOverlap': m<{ n: number; next: number; min: number }>({
    en: 'Bracket {n} has no upper bound but bracket {next} starts at {min}: they overlap.',
    fr: 'La tranche {n} n’a pas de borne supérieure mais la tranche {next} commence à {min} : elles se chevauchent.',
  }),
  'grid.gap': m<{ n: number; min: number; prev: number; end: number }>({
    en: 'Bracket {n} starts at {min} but bracket {prev} ends at {end}: quotients from {end} to {min} have no price.',
    fr: 'La tranche {n} commence à {min} mais la tranche {prev} finit à {end} : les quotients de {end} à {min} n’ont pas de prix.',
  }),
  'grid.overlap': m<{ n: number; min: number; prev: number; from: number; to: number }>({
    en: 'Bracket {n} starts at {min}, inside bracket {prev} ({from} to {to}): they overlap.',
    fr: 'La tranche {n} commence à {min}, à l’intérieur de la tranche {prev} ({from} à {to}) : elles se chevauchent.',
  }),
  'grid.openEnd': m<{ n: number; end: number }>({
    en: 'Bracket {n} ends at {end}: quotients from {end} up have no price (leave the last upper bound empty).',
    fr: 'La tranche {n} finit à {end} : les quotients à partir de {end} n’ont pas de prix (laissez vide la dernière borne supérieure).',
  }),
};
