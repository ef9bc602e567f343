import { m, type Amount, type CalendarDate, type Day } from '../message';

/** Draft billing runs, SEPA direct debits, the cash desk. */
export const treasury = {
  'draft.periodRequired': m({
    en: 'Give the period (YYYY-MM) of a monthly run.',
    fr: 'Indiquez la période (AAAA-MM) d’une facturation mensuelle.',
  }),
  'draft.yearRequired': m({
    en: 'Give the year of a water regularisation.',
    fr: 'Indiquez l’année de la régularisation de l’eau.',
  }),
  'draft.monthlyWhileSuspended': m({
    en: 'Billing is suspended: draft a catch-up run instead.',
    fr: 'La facturation est suspendue : préparez plutôt une facturation de rattrapage.',
  }),
  'draft.notADraft': m<{ status: string }>({
    en: 'This run is not a draft any more ({status}).',
    fr: 'Cette facturation n’est plus un brouillon ({status}).',
  }),
  'draft.runNotFound': m({
    en: 'Billing run not found.',
    fr: 'Facturation introuvable.',
  }),
  'draft.familyNotInRun': m({
    en: 'This family has no invoice in this draft.',
    fr: 'Cette famille n’a pas de facture dans ce brouillon.',
  }),
  'draft.stale': m<{ families: number }>({
    en: '{families, plural, one {One family’s charges have} other {# families’ charges have}} changed since the draft was built: rebuild it, review it, then promote it.',
    fr: '{families, plural, one {Les prestations d’une famille ont} other {Les prestations de # familles ont}} changé depuis la préparation du brouillon : reconstruisez-le, relisez-le, puis validez-le.',
  }),
  'sepa.creditorMissing': m({
    en: 'Direct debits need the tenant’s SEPA creditor details first (setSepaCreditor).',
    fr: 'Les prélèvements demandent d’abord les coordonnées de créancier SEPA de la collectivité (setSepaCreditor).',
  }),
  'sepa.creditorId': m({
    en: 'Not a valid SEPA creditor identifier (ICS), e.g. FR12ZZZ123456.',
    fr: 'Ce n’est pas un identifiant créancier SEPA (ICS) valide, par exemple FR12ZZZ123456.',
  }),
  'sepa.creditorName': m({
    en: 'Give the creditor’s name (1 to 70 characters).',
    fr: 'Indiquez le nom du créancier (1 à 70 caractères).',
  }),
  'sepa.iban': m({
    en: 'Not a valid IBAN (its length or check digits are wrong).',
    fr: 'Ce n’est pas un IBAN valide (longueur ou clé incorrecte).',
  }),
  'sepa.ibanNotSepa': m({
    en: 'This IBAN’s country is outside the SEPA area.',
    fr: 'Le pays de cet IBAN est hors de la zone SEPA.',
  }),
  'sepa.bic': m({
    en: 'Not a valid BIC (8 or 11 characters).',
    fr: 'Ce n’est pas un BIC valide (8 ou 11 caractères).',
  }),
  'sepa.debtorName': m({
    en: 'Give the account holder’s name (1 to 70 characters).',
    fr: 'Indiquez le nom du titulaire du compte (1 à 70 caractères).',
  }),
  'sepa.mandateReference': m({
    en: 'A mandate reference (RUM) is 1 to 35 letters, digits, spaces, apostrophes or + ? / - : ( ) . ,',
    fr: 'Une référence unique de mandat (RUM) compte 1 à 35 lettres, chiffres, espaces, apostrophes ou + ? / - : ( ) . ,',
  }),
  'sepa.mandateReferenceTaken': m({
    en: 'This mandate reference is already used.',
    fr: 'Cette référence de mandat est déjà utilisée.',
  }),
  'sepa.signedInFuture': m({
    en: 'A mandate cannot be signed after today.',
    fr: 'Un mandat ne peut pas être signé après aujourd’hui.',
  }),
  'sepa.activeMandateExists': m({
    en: 'This family already has an active mandate: close it first.',
    fr: 'Cette famille a déjà un mandat actif : clôturez-le d’abord.',
  }),
  'sepa.mandateNotFound': m({ en: 'Mandate not found.', fr: 'Mandat introuvable.' }),
  'sepa.mandateClosed': m({ en: 'This mandate is closed.', fr: 'Ce mandat est clôturé.' }),
  'sepa.collectionDatePast': m({
    en: 'Collect on a day after today.',
    fr: 'Prélevez à une date postérieure à aujourd’hui.',
  }),
  'sepa.nothingToDebit': m<{ date: Day }>({
    en: 'No open invoice due by {date} to debit on an active mandate.',
    fr: 'Aucune facture ouverte échue au {date} à prélever sur un mandat actif.',
  }),
  'sepa.batchNotFound': m({ en: 'Debit batch not found.', fr: 'Lot de prélèvements introuvable.' }),
  'sepa.batchNotExported': m<{ reference: string }>({
    en: 'Batch {reference} is only prepared: export it (exportDebitBatch) and send its file to the bank before importing the bank’s answer.',
    fr: 'Le lot {reference} n’est que préparé : exportez-le (exportDebitBatch) et remettez son fichier à la banque avant d’importer sa réponse.',
  }),
  'sepa.batchNotPrepared': m<{ reference: string }>({
    en: 'Batch {reference} was already exported: its file is what the bank takes and no longer changes.',
    fr: 'Le lot {reference} a déjà été exporté : son fichier est celui que la banque prélève, il ne change plus.',
  }),
  'sepa.batchEmpty': m<{ reference: string }>({
    en: 'Every debit of batch {reference} was withdrawn (its invoices were paid or credited meanwhile): there is nothing to send to the bank.',
    fr: 'Tous les prélèvements du lot {reference} ont été retirés (leurs factures ont été réglées ou créditées entre-temps) : il n’y a rien à remettre à la banque.',
  }),
  'sepa.batchSettled': m({
    en: 'The return file of this batch was already imported.',
    fr: 'Le fichier de retour de ce lot a déjà été importé.',
  }),
  'sepa.badReturnFile': m({
    en: 'Not a bank return file (an ISO 20022 pain.002 payment status report).',
    fr: 'Ce n’est pas un fichier de retour bancaire (compte rendu ISO 20022 pain.002).',
  }),
  'sepa.unknownDebit': m<{ id: string }>({
    en: 'The return file names a debit that is not in this batch ({id}): nothing was imported.',
    fr: 'Le fichier de retour cite un prélèvement absent de ce lot ({id}) : rien n’a été importé.',
  }),
  'sepa.debitRejected': m<{ amount: Amount; date: Day; reason: string }>({
    en: 'Your bank rejected the direct debit of {amount} of {date} ({reason, select, AM04 {insufficient funds} AC01 {incorrect account number} AC04 {account closed} AC06 {account blocked} AG01 {direct debits forbidden on this account} MD01 {no mandate} MS02 {refused by the account holder} other {reason {reason}}}): the invoices it was paying are open again.',
    fr: 'Votre banque a rejeté le prélèvement de {amount} du {date} ({reason, select, AM04 {provision insuffisante} AC01 {numéro de compte incorrect} AC04 {compte clôturé} AC06 {compte bloqué} AG01 {prélèvements interdits sur ce compte} MD01 {absence de mandat} MS02 {refus du titulaire} other {motif {reason}}}) : les factures qu’il réglait sont de nouveau à payer.',
  }),
  'sepa.rejectionFee': m<{ fee: Amount }>({
    en: 'Your bank rejected a direct debit: a rejection fee of {fee} was invoiced.',
    fr: 'Votre banque a rejeté un prélèvement : des frais de rejet de {fee} ont été facturés.',
  }),
  'cashDesk.code': m({
    en: 'A cash office code is 1 to 8 capital letters or digits (printed in its receipt numbers).',
    fr: 'Le code d’une régie compte 1 à 8 majuscules ou chiffres (il figure dans ses numéros de reçu).',
  }),
  'cashDesk.codeTaken': m<{ code: string }>({
    en: 'Another cash office already has the code {code}.',
    fr: 'Une autre régie a déjà le code {code}.',
  }),
  'cashDesk.name': m({ en: 'Give the cash office a name.', fr: 'Donnez un nom à la régie.' }),
  'cashDesk.officeNotFound': m({ en: 'Cash office not found.', fr: 'Régie introuvable.' }),
  'cashDesk.officeRequired': m({
    en: 'Say which cash office takes this payment (cashOfficeId).',
    fr: 'Indiquez la régie qui encaisse ce paiement (cashOfficeId).',
  }),
  'cashDesk.tillClosed': m<{ office: string; day: Day }>({
    en: 'The till of {office} was closed for {day}: it takes no more payments today.',
    fr: 'La caisse de {office} est clôturée pour le {day} : elle n’encaisse plus rien aujourd’hui.',
  }),
  'cashDesk.alreadyClosed': m<{ day: Day }>({
    en: 'This till was already closed for {day}.',
    fr: 'Cette caisse est déjà clôturée pour le {day}.',
  }),
  'cashDesk.futureDay': m({
    en: 'Close a till for today or a past day.',
    fr: 'Clôturez une caisse pour aujourd’hui ou un jour passé.',
  }),
  'receipt.title': m<{ number: string }>({ en: 'Receipt no. {number}', fr: 'Reçu n° {number}' }),
  'receipt.received': m<{
    amount: Amount;
    method: string;
    day: CalendarDate;
    family: string;
    deposit: string;
  }>({
    en: 'Received on {day} from {family}: {amount} {method, select, CASH {in cash} CHEQUE {by cheque} CARD {by card} other {by direct debit}}{deposit, select, yes {, as a deposit on future invoices} other {}}.',
    fr: 'Reçu le {day} de {family} : {amount} {method, select, CASH {en espèces} CHEQUE {par chèque} CARD {par carte bancaire} other {par prélèvement}}{deposit, select, yes {, à titre d’acompte sur les prochaines factures} other {}}.',
  }),
  'receipt.reference': m<{ reference: string }>({
    en: 'Reference: {reference}',
    fr: 'Référence : {reference}',
  }),
};
