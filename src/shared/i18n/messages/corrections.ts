import { m, type Amount, type CalendarDate } from '../message';

/** Corrective runs (src/billing/corrections) and certificates (src/billing/certificates). */
export const corrections = {
  'correction.reasonRequired': m({
    en: 'Give the reason for the correction: it is printed on the credit note and the replacement invoice.',
    fr: 'Indiquez le motif de la correction : il figure sur l’avoir et sur la facture rectificative.',
  }),
  'correction.priceOrCancel': m({
    en: 'Give either the corrected unit price or cancel: true.',
    fr: 'Indiquez soit le prix unitaire corrigé, soit cancel: true.',
  }),
  'correction.chargeNotFound': m({
    en: 'Charge not found.',
    fr: 'Prestation introuvable.',
  }),
  'correction.notInvoiced': m({
    en: 'This charge is not invoiced yet: correct the roll call or the absence instead.',
    fr: 'Cette prestation n’est pas encore facturée : corrigez plutôt l’appel ou l’absence.',
  }),
  'correction.cancelled': m({
    en: 'This charge was already cancelled by an issued correction.',
    fr: 'Cette prestation a déjà été annulée par une correction émise.',
  }),
  'correction.noChange': m<{ price: Amount }>({
    en: 'This charge is already billed at {price}.',
    fr: 'Cette prestation est déjà facturée {price}.',
  }),
  'correction.useCorrectiveRun': m({
    en: 'A corrective run is built with draftCorrectiveRun.',
    fr: 'Une facturation corrective se prépare avec draftCorrectiveRun.',
  }),
  'correction.nonePending': m({
    en: 'No correction is waiting to be issued.',
    fr: 'Aucune correction n’attend d’être émise.',
  }),
  'correction.alreadyCredited': m<{ invoices: number }>({
    en: '{invoices, plural, one {One invoice has} other {# invoices have}} already been credited for these charges: exclude {invoices, plural, one {it} other {them}} from the run (warning ALREADY_CREDITED).',
    fr: '{invoices, plural, one {Une facture a} other {# factures ont}} déjà fait l’objet d’un avoir pour ces prestations : excluez-{invoices, plural, one {la} other {les}} de la facturation (alerte ALREADY_CREDITED).',
  }),
  'correction.handedOver': m<{ invoices: number }>({
    en: '{invoices, plural, one {One invoice was} other {# invoices were}} handed over to the public treasury: the treasury collects {invoices, plural, one {it} other {them}}, so no credit note is put on {invoices, plural, one {it} other {them}} here; exclude {invoices, plural, one {it} other {them}} from the run (warning HANDED_OVER).',
    fr: '{invoices, plural, one {Une facture a été transmise} other {# factures ont été transmises}} au Trésor public : c’est lui qui {invoices, plural, one {la} other {les}} recouvre, aucun avoir n’y est plus imputé ici ; excluez-{invoices, plural, one {la} other {les}} de la facturation (alerte HANDED_OVER).',
  }),
  'correction.stale': m<{ invoices: number }>({
    en: '{invoices, plural, one {One invoice’s corrections have} other {# invoices’ corrections have}} changed since the draft was built: rebuild it, review it, then promote it.',
    fr: '{invoices, plural, one {Les corrections d’une facture ont} other {Les corrections de # factures ont}} changé depuis la préparation du brouillon : reconstruisez-le, relisez-le, puis validez-le.',
  }),
  'correction.creditLabel': m<{ label: string }>({
    en: 'Credit — {label}',
    fr: 'Avoir — {label}',
  }),
  'certificate.childcare.title': m<{ year: number }>({
    en: 'Childcare costs certificate — {year}',
    fr: 'Attestation de frais de garde — année {year}',
  }),
  'certificate.childcare.body': m<{
    tenant: string;
    child: string;
    born: CalendarDate;
    family: string;
    year: number;
    amount: Amount;
  }>({
    en: '{tenant} certifies that {amount} were paid in {year} by the household {family} for the childcare of {child}, born on {born}.',
    fr: '{tenant} certifie que le foyer {family} a versé en {year} la somme de {amount} pour la garde de l’enfant {child}, né(e) le {born}.',
  }),
  'certificate.childcare.scope': m<{ age: number }>({
    en: 'Only childcare services (nursery, childcare place, after-school care, leisure centre) count, not meals; only payments received in the year and applied to their invoices. For a child under {age} on 1 January of the year.',
    fr: 'Seuls les services de garde (crèche, place en garde, accueil périscolaire, accueil de loisirs) sont comptés, hors repas ; seuls les paiements reçus dans l’année et imputés sur leurs factures. Pour un enfant de moins de {age} ans au 1er janvier de l’année.',
  }),
  'certificate.childcare.notEligible': m<{ age: number }>({
    en: 'This child was not under {age} on 1 January of the year: these costs do not qualify for the childcare tax credit.',
    fr: 'Cet enfant n’avait pas moins de {age} ans au 1er janvier de l’année : ces frais n’ouvrent pas droit au crédit d’impôt pour frais de garde.',
  }),
  'certificate.payment.title': m<{ number: string }>({
    en: 'Payment certificate — invoice no. {number}',
    fr: 'Attestation de paiement — facture n° {number}',
  }),
  'certificate.payment.body': m<{
    tenant: string;
    family: string;
    number: string;
    total: Amount;
    paid: Amount;
    due: Amount;
  }>({
    en: '{tenant} certifies that, of invoice no. {number} of {total} to the household {family}, {paid} were paid; {due} are left to pay.',
    fr: '{tenant} certifie que, sur la facture n° {number} de {total} adressée au foyer {family}, {paid} ont été payés ; reste à payer : {due}.',
  }),
  'certificate.payment.line': m<{ day: CalendarDate; method: string; amount: Amount }>({
    en: '{day} — {method, select, CARD {card} DIRECT_DEBIT {direct debit} CASH {cash} CHEQUE {cheque} CREDIT_NOTE {credit note} other {{method}}} — {amount}',
    fr: '{day} — {method, select, CARD {carte bancaire} DIRECT_DEBIT {prélèvement} CASH {espèces} CHEQUE {chèque} CREDIT_NOTE {avoir} other {{method}}} — {amount}',
  }),
  'certificate.issuedOn': m<{ day: CalendarDate }>({
    en: 'Issued on {day}.',
    fr: 'Fait le {day}.',
  }),
};
