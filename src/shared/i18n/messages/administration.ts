import { m, type Day } from '../message';

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
