import { m, type Day } from '../message';

/** The objects a NOT_FOUND names. */
export type Thing =
  'Family' | 'Child' | 'Session' | 'Reservation' | 'Invoice' | 'Receipt' | 'Service' | 'ApiKey' | 'Node';

/** Not found, idempotency, availability, and the input limits every field shares. */
export const common = {
  notFound: m<{ what: Thing }>({
    en: '{what, select, Family {Family} Child {Child} Session {Session} Reservation {Reservation} Invoice {Invoice} Receipt {Receipt} Service {Service} ApiKey {API key} other {Object}} not found.',
    fr: '{what, select, Family {Famille} Child {Enfant} Session {Séance} Reservation {Réservation} Invoice {Facture} Receipt {Reçu} Service {Service} ApiKey {Clé d’API} other {Objet}} introuvable.',
  }),
  'idempotency.conflict': m({
    en: 'This idempotency key was already used with a different request.',
    fr: 'Cette clé d’idempotence a déjà servi pour une autre requête.',
  }),
  'idempotency.keyLength': m<{ max: number }>({
    en: '"idempotencyKey" must be 1 to {max} characters.',
    fr: '« idempotencyKey » compte de 1 à {max} caractères.',
  }),
  unavailable: m({
    en: 'The service is busy or the database is unreachable: retry in a moment.',
    fr: 'Le service est surchargé ou la base de données est injoignable : réessayez dans un instant.',
  }),
  internal: m({ en: 'Internal server error.', fr: 'Erreur interne du serveur.' }),
  'operation.notSupported': m<{ operation: string }>({
    en: 'This API has no {operation} operations.',
    fr: 'Cette API n’a pas d’opérations {operation}.',
  }),
  'operation.throttled': m<{ cost: number; available: number; rate: number; seconds: number }>({
    en: 'Too many requests: this query costs {cost} points and your bucket holds {available} (it refills at {rate} points a second). Retry in {seconds, plural, one {# second} other {# seconds}}.',
    fr: 'Trop de requêtes : cette requête coûte {cost} points et votre réserve en contient {available} (elle se remplit de {rate} points par seconde). Réessayez dans {seconds, plural, one {# seconde} other {# secondes}}.',
  }),
  'operation.tooCostly': m<{ cost: number; max: number }>({
    en: 'This query costs {cost}, above the maximum of {max}: ask for smaller pages (first) or fewer nested lists.',
    fr: 'Cette requête coûte {cost}, au-delà du maximum de {max} : demandez des pages plus petites (first) ou moins de listes imbriquées.',
  }),
  'input.tooManyItems': m<{ field: string; max: number; count: number }>({
    en: '"{field}" lists at most {max} items (got {count}).',
    fr: '« {field} » compte au plus {max} éléments ({count} reçus).',
  }),
  'input.outOfRange': m<{ field: string; min: number; max: number; value: number }>({
    en: '"{field}" must be between {min} and {max} (got {value}).',
    fr: '« {field} » doit être compris entre {min} et {max} ({value} reçu).',
  }),
  'input.tooLong': m<{ field: string; max: number; length: number }>({
    en: '"{field}" is at most {max} characters (got {length}).',
    fr: '« {field} » compte au plus {max} caractères ({length} reçus).',
  }),
  'input.nul': m<{ field: string }>({
    en: '"{field}" contains a NUL character.',
    fr: '« {field} » contient un caractère NUL.',
  }),
  'input.surrogate': m<{ field: string }>({
    en: '"{field}" is not well-formed Unicode (a lone surrogate).',
    fr: '« {field} » n’est pas de l’Unicode bien formé (un demi-codet isolé).',
  }),
  'input.notAnId': m<{ field: string; type: string }>({
    en: '"{field}" is not a valid {type} ID.',
    fr: '« {field} » n’est pas un identifiant {type} valide.',
  }),
  'input.pageSize': m<{ max: number }>({
    en: '"first" must be between 1 and {max}.',
    fr: '« first » doit être compris entre 1 et {max}.',
  }),
  'input.badCursor': m({
    en: '"after" is not a cursor this list returned.',
    fr: '« after » n’est pas un curseur rendu par cette liste.',
  }),
  'input.calendarDate': m<{ field: string; min: number; max: number }>({
    en: '"{field}" must be a calendar date (YYYY-MM-DD, years {min, number, ::group-off}–{max, number, ::group-off}).',
    fr: '« {field} » doit être une date (AAAA-MM-JJ, années {min, number, ::group-off} à {max, number, ::group-off}).',
  }),
  'input.yearMonth': m<{ field: string; min: number; max: number }>({
    en: '"{field}" must be a month (YYYY-MM, years {min, number, ::group-off}–{max, number, ::group-off}).',
    fr: '« {field} » doit être un mois (AAAA-MM, années {min, number, ::group-off} à {max, number, ::group-off}).',
  }),
  'input.toBeforeFrom': m<{ from: string; to: string }>({
    en: '"{to}" must be on or after "{from}".',
    fr: '« {to} » doit être le même jour que « {from} » ou après.',
  }),
  'input.required': m<{ field: string }>({
    en: '"{field}" is required.',
    fr: '« {field} » est obligatoire.',
  }),
  'input.eitherOr': m<{ first: string; second: string }>({
    en: 'Give either {first} or {second}, not both.',
    fr: 'Indiquez soit {first}, soit {second}, pas les deux.',
  }),
  'input.negativeQuotient': m({
    en: 'A family quotient cannot be negative.',
    fr: 'Un quotient familial ne peut pas être négatif.',
  }),
  'input.tooManyDays': m<{ max: number; last: Day }>({
    en: 'At most {max} days per request: "to" must be on or before {last}.',
    fr: 'Au plus {max} jours par requête : « to » doit être au plus tard le {last}.',
  }),
};
