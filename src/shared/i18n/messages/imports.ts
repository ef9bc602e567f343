import { m, type Amount, type CalendarDate, type Day, type OneOf } from '../message';

/**
 * Legacy imports (each line-level error, in words a town's agent acts on, and the route's
 * refusals) and the paper continuity pack (roll sheets).
 */
export const imports = {
  'import.fieldCount': m<{ expected: number; found: number }>({
    en: 'This line has {found} fields where the header has {expected}: a separator inside a value that is not between quotes (e.g. a ";" in an address)?',
    fr: 'Cette ligne compte {found} champs alors que l’en-tête en a {expected} : un séparateur dans une valeur sans guillemets (par exemple un « ; » dans une adresse) ?',
  }),
  'import.badDate': m<{ value: string }>({
    en: '"{value}" is not a date: expected DD/MM/YYYY (e.g. 04/09/2019).',
    fr: '« {value} » n’est pas une date valide : attendu JJ/MM/AAAA (par exemple 04/09/2019).',
  }),
  'import.birthDateOutOfRange': m<{ value: string }>({
    en: 'Birth date {value} is in the future or more than 25 years ago.',
    fr: 'La date de naissance {value} est dans le futur ou date de plus de 25 ans.',
  }),
  'import.badNumber': m<{ value: string }>({
    en: '"{value}" is not a number: digits only, with a decimal comma if any (e.g. 1200 or 845,50).',
    fr: '« {value} » n’est pas un nombre : des chiffres seulement, avec une virgule décimale s’il y a lieu (par exemple 1200 ou 845,50).',
  }),
  'import.badEmail': m<{ value: string }>({
    en: '"{value}" is not an email address.',
    fr: '« {value} » n’est pas une adresse e-mail.',
  }),
  'import.badPhone': m<{ value: string }>({
    en: '"{value}" is not a phone number (6 to 15 digits).',
    fr: '« {value} » n’est pas un numéro de téléphone (6 à 15 chiffres).',
  }),
  'import.badValue': m<{ value: string; allowed: OneOf }>({
    en: '"{value}" is not one of the values this column takes: {allowed}.',
    fr: '« {value} » ne fait pas partie des valeurs admises dans cette colonne : {allowed}.',
  }),
  'import.tooLong': m<{ max: number }>({
    en: 'This value is longer than {max} characters.',
    fr: 'Cette valeur dépasse {max} caractères.',
  }),
  'import.missingField': m<{ column: string }>({
    en: '"{column}" is required and empty on this line.',
    fr: '« {column} » est obligatoire et vide sur cette ligne.',
  }),
  'import.missingColumn': m<{ column: string; accepted: OneOf }>({
    en: 'The header has no column "{column}" (accepted names: {accepted}): nothing was read.',
    fr: 'L’en-tête n’a pas de colonne « {column} » (noms acceptés : {accepted}) : rien n’a été lu.',
  }),
  'import.unknownSchool': m<{ value: string }>({
    en: 'No school "{value}" in this town: give its name as Guichet knows it, or its UAI code.',
    fr: 'Aucune école « {value} » dans cette commune : indiquez son nom tel que Guichet le connaît, ou son code UAI.',
  }),
  'import.duplicateInFile': m<{ firstLine: number }>({
    en: 'The same child is already on line {firstLine} of this file.',
    fr: 'Le même enfant figure déjà ligne {firstLine} de ce fichier.',
  }),
  'import.duplicateExternalRef': m<{ ref: string; firstLine: number }>({
    en: 'Family reference {ref} is already used on line {firstLine} for a household with other details (guardians, address or quotient): one reference, one household.',
    fr: 'La référence famille {ref} est déjà utilisée ligne {firstLine} pour un foyer aux coordonnées différentes (responsables, adresse ou quotient) : une référence, un seul foyer.',
  }),
  'import.encoding': m<{ encoding: string }>({
    en: 'This value has characters that are not valid {encoding}: export the file again, or give its encoding (?encoding=windows-1252 or utf-8).',
    fr: 'Cette valeur contient des caractères invalides en {encoding} : exportez à nouveau le fichier, ou indiquez son encodage (?encoding=windows-1252 ou utf-8).',
  }),
  'import.csvSyntax': m({
    en: 'This line cannot be read as CSV (a quote opened and never closed?).',
    fr: 'Cette ligne n’est pas lisible en CSV (un guillemet ouvert et jamais fermé ?).',
  }),
  'import.emptyFile': m({
    en: 'The file is empty: expected a header line, then one line per record.',
    fr: 'Le fichier est vide : attendu une ligne d’en-tête, puis une ligne par enregistrement.',
  }),
  'import.unknownKind': m<{ kind: string; kinds: OneOf }>({
    en: 'No import of kind "{kind}": use {kinds}.',
    fr: 'Aucun import de type « {kind} » : utilisez {kinds}.',
  }),
  'import.badOption': m<{ option: string; value: string; allowed: OneOf }>({
    en: '"{option}" cannot be "{value}": use {allowed}.',
    fr: '« {option} » ne peut pas valoir « {value} » : utilisez {allowed}.',
  }),
  'import.tooLarge': m<{ max: number }>({
    en: 'The file is larger than {max} MiB: split it.',
    fr: 'Le fichier dépasse {max} Mio : découpez-le.',
  }),
  'import.adminOnly': m({
    en: 'Imports are for tenant admins.',
    fr: 'Les imports sont réservés aux administrateurs de la commune.',
  }),
  'import.unknownChild': m<{ value: string }>({
    en: 'No child "{value}" in this town (the roll sheet’s ID, or a walk-in’s name at this school).',
    fr: 'Aucun enfant « {value} » dans cette commune (identifiant de la feuille d’appel, ou nom d’un enfant non inscrit dans cette école).',
  }),
  'import.unknownSession': m<{ value: string }>({
    en: 'No session "{value}": keep the roll sheet’s session ID as printed.',
    fr: 'Aucune séance « {value} » : gardez l’identifiant de séance tel qu’imprimé sur la feuille d’appel.',
  }),
  'roll.forbidden': m({
    en: 'Roll sheets are for agents, tenant admins and API keys with the scope attendance:write.',
    fr: 'Les feuilles d’appel sont réservées aux agents, aux administrateurs et aux clés d’API avec la portée attendance:write.',
  }),
  'roll.title': m<{ date: Day }>({ en: 'Roll sheet — {date}', fr: 'Feuille d’appel — {date}' }),
  'roll.session': m<{ facility: string; service: string; period: string }>({
    en: '{facility} — {service} ({period})',
    fr: '{facility} — {service} ({period})',
  }),
  'roll.columns': m({
    en: 'Present | Absent | Child | Class | Diet',
    fr: 'Présent | Absent | Enfant | Classe | Régime',
  }),
  'roll.walkIns': m({
    en: 'Walk-ins (name, first name, class — tick present):',
    fr: 'Enfants non inscrits (nom, prénom, classe — cocher présent) :',
  }),
  'roll.meals': m<{
    standard: number;
    noPork: number;
    vegetarian: number;
    allergyPlan: number;
    total: number;
  }>({
    en: 'Meals expected: {total} — standard {standard}, no pork {noPork}, vegetarian {vegetarian}, allergy plan (PAI) {allergyPlan}',
    fr: 'Repas attendus : {total} — standard {standard}, sans porc {noPork}, végétarien {vegetarian}, PAI {allergyPlan}',
  }),
  'roll.none': m<{ date: Day }>({
    en: 'No session on {date} for this selection.',
    fr: 'Aucune séance le {date} pour cette sélection.',
  }),
  'roll.diet': m<{ diet: string }>({
    en: '{diet, select, NO_PORK {No pork} VEGETARIAN {Vegetarian} ALLERGY_PLAN {ALLERGY PLAN (PAI)} other {Standard}}',
    fr: '{diet, select, NO_PORK {Sans porc} VEGETARIAN {Végétarien} ALLERGY_PLAN {PAI (allergie)} other {Standard}}',
  }),
  'roll.period': m<{ period: string }>({
    en: '{period, select, MORNING {morning} LUNCH {lunch} AFTERNOON {afternoon} EVENING {evening} other {full day}}',
    fr: '{period, select, MORNING {matin} LUNCH {midi} AFTERNOON {après-midi} EVENING {soir} other {journée}}',
  }),
  'statement.title': m<{ family: string; date: CalendarDate }>({
    en: 'Statement — {family} — {date}',
    fr: 'Relevé de compte — {family} — {date}',
  }),
  'statement.invoiced': m({ en: 'Invoiced', fr: 'Facturé' }),
  'statement.credited': m({ en: 'Credit notes', fr: 'Avoirs' }),
  'statement.paid': m({ en: 'Paid', fr: 'Réglé' }),
  'statement.due': m({ en: 'Left to pay', fr: 'Reste à payer' }),
  'statement.overdue': m({ en: 'Of which late', fr: 'Dont en retard' }),
  'statement.credit': m({ en: 'Credit not yet used', fr: 'Crédit non encore imputé' }),
  'statement.unbilled': m({ en: 'Not invoiced yet', fr: 'Pas encore facturé' }),
  'statement.openInvoices': m({ en: 'Invoices to pay', fr: 'Factures à régler' }),
  'statement.invoiceColumns': m({
    en: 'Invoice|Due date|Total|Left to pay',
    fr: 'Facture|Échéance|Montant|Reste à payer',
  }),
  'statement.instalmentColumns': m({
    en: 'Instalment|Amount|Paid|Status',
    fr: 'Échéance|Montant|Réglé|État',
  }),
  'statement.instalmentStatus': m<{ status: string }>({
    en: '{status, select, PAID {paid} OVERDUE {late} other {to come}}',
    fr: '{status, select, PAID {réglée} OVERDUE {en retard} other {à venir}}',
  }),
  'statement.payments': m({ en: 'Latest payments', fr: 'Derniers règlements' }),
  'statement.date': m<{ date: CalendarDate }>({ en: '{date}', fr: '{date}' }),
  'import.badInstant': m<{ value: string }>({
    en: '"{value}" is not an instant as ISO 8601 with its offset (2026-12-03T11:45:00+01:00), or it is in the future.',
    fr: '« {value} » n’est pas un instant ISO 8601 avec son décalage (2026-12-03T11:45:00+01:00), ou il est dans le futur.',
  }),
  'import.actionReused': m<{ device: string; action: string }>({
    en: 'Device "{device}" already sent action "{action}" with other content: each action keeps its own ID.',
    fr: 'L’appareil « {device} » a déjà envoyé l’action « {action} » avec un autre contenu : chaque action garde son propre identifiant.',
  }),
  'import.badPeriod': m<{ max: number }>({
    en: 'The end date is before the start date, or the period is longer than {max} days.',
    fr: 'La date de fin précède la date de début, ou la période dépasse {max} jours.',
  }),
  'import.unknownChildRef': m<{ value: string }>({
    en: 'No child with the reference "{value}": import the families first (ref_enfant).',
    fr: 'Aucun enfant de référence « {value} » : importez d’abord les familles (ref_enfant).',
  }),
  'import.unknownService': m<{ value: string }>({
    en: 'No service "{value}" at this school: give its name as Guichet knows it.',
    fr: 'Aucune prestation « {value} » dans cette école : indiquez son nom tel que Guichet le connaît.',
  }),
  'import.noSession': m<{ value: string }>({
    en: '"{value}" has no session between these dates.',
    fr: '« {value} » n’a aucune séance entre ces dates.',
  }),
  'import.overlap': m<{ count: number }>({
    en: 'The child already holds another reservation at the same hours on {count, plural, one {one of these days} other {# of these days}}.',
    fr: 'L’enfant a déjà une autre réservation aux mêmes heures {count, plural, one {l’un de ces jours} other {# de ces jours}}.',
  }),
  'import.actionTwice': m<{ device: string; action: string }>({
    en: 'Action "{action}" of device "{device}" is on an earlier line of this file.',
    fr: 'L’action « {action} » de l’appareil « {device} » figure déjà sur une ligne précédente de ce fichier.',
  }),
  // Opening balances (POST /imports/balances).
  'import.badAmount': m<{ value: string; max: Amount }>({
    en: '"{value}" is not an amount owed: more than zero, at most {max}, in cents at most (e.g. 12,50).',
    fr: '« {value} » n’est pas un montant dû : plus de zéro, au plus {max}, au centime près (par exemple 12,50).',
  }),
  'import.balanceDateOutOfRange': m<{ value: string }>({
    en: 'The date {value} is in the future or more than 10 years ago.',
    fr: 'La date {value} est dans le futur ou remonte à plus de 10 ans.',
  }),
  'import.duplicateBalance': m<{ ref: string; firstLine: number }>({
    en: 'The same family and document reference "{ref}" are already on line {firstLine} of this file.',
    fr: 'La même famille et la même référence de pièce « {ref} » figurent déjà ligne {firstLine} de ce fichier.',
  }),
  'import.unknownFamilyRef': m<{ value: string }>({
    en: 'No family with the reference "{value}": import the families first (ref_famille).',
    fr: 'Aucune famille de référence « {value} » : importez d’abord les familles (ref_famille).',
  }),
  'import.balanceInvoiced': m<{ ref: string; invoice: string; amount: Amount }>({
    en: 'The opening balance "{ref}" ({amount}) is already on invoice {invoice}: it can no longer change (correct the invoice with correctBilledCharge).',
    fr: 'Le solde antérieur « {ref} » ({amount}) figure déjà sur la facture {invoice} : il ne peut plus changer (corrigez la facture avec correctBilledCharge).',
  }),
};
