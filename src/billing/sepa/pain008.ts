import { create } from 'xmlbuilder2';
import { SequenceType } from './sepa.entity';

/**
 * The ISO 20022 `pain.008.001.02` customer direct debit initiation message (SEPA Core, the
 * version French banks take), built with xmlbuilder2 in the order the standard's schema
 * requires: one group header, one payment information block per sequence type (FRST, RCUR,
 * OOFF, FNAL must not be mixed), one transaction per debit.
 */
export const PAIN_008_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.02';

export interface Pain008Creditor {
  /** SEPA creditor identifier (ICS). */
  id: string;
  name: string;
  iban: string;
  bic: string | null;
}

export interface Pain008Debit {
  endToEndId: string;
  /** Minor units (cents). */
  amount: number;
  sequence: SequenceType;
  mandateReference: string;
  mandateSignedOn: string;
  debtorName: string;
  debtorIban: string;
  debtorBic: string | null;
  /** Unstructured remittance information, e.g. the invoice number. */
  remittance: string;
}

export interface Pain008Message {
  messageId: string;
  createdAt: Date;
  collectionDate: string;
  currency: string;
  creditor: Pain008Creditor;
  debits: Pain008Debit[];
}

/** Cents as the schema's decimal amount: 1234 → "12.34". */
export const decimal = (minor: number) => (minor / 100).toFixed(2);

/**
 * Text in the EPC's basic Latin set (letters, digits, / - ? : ( ) . , ' + space): accents dropped,
 * anything else a space, cut at `max` characters. Banks refuse other characters.
 */
export function sepaText(text: string, max: number): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

const agent = (bic: string | null) =>
  bic ? { FinInstnId: { BIC: bic } } : { FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } };

/** The pain.008.001.02 document, UTF-8, pretty-printed. */
export function pain008(message: Pain008Message): string {
  const sum = (debits: Pain008Debit[]) => decimal(debits.reduce((s, d) => s + d.amount, 0));
  const order = [SequenceType.FRST, SequenceType.RCUR, SequenceType.OOFF, SequenceType.FNAL];
  const groups = order
    .map((sequence) => ({ sequence, debits: message.debits.filter((d) => d.sequence === sequence) }))
    .filter((g) => g.debits.length > 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(PAIN_008_NAMESPACE, 'Document')
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance')
    .ele('CstmrDrctDbtInitn');
  root.ele({
    GrpHdr: {
      MsgId: message.messageId,
      CreDtTm: message.createdAt.toISOString().slice(0, 19),
      NbOfTxs: String(message.debits.length),
      CtrlSum: sum(message.debits),
      InitgPty: { Nm: sepaText(message.creditor.name, 70) },
    },
  });
  for (const group of groups) {
    const info = root.ele('PmtInf');
    info.ele({
      PmtInfId: `${message.messageId}-${group.sequence}`,
      PmtMtd: 'DD',
      BtchBookg: 'true',
      NbOfTxs: String(group.debits.length),
      CtrlSum: sum(group.debits),
      PmtTpInf: { SvcLvl: { Cd: 'SEPA' }, LclInstrm: { Cd: 'CORE' }, SeqTp: group.sequence },
      ReqdColltnDt: message.collectionDate,
      Cdtr: { Nm: sepaText(message.creditor.name, 70) },
      CdtrAcct: { Id: { IBAN: message.creditor.iban } },
      CdtrAgt: agent(message.creditor.bic),
      ChrgBr: 'SLEV',
      CdtrSchmeId: { Id: { PrvtId: { Othr: { Id: message.creditor.id, SchmeNm: { Prtry: 'SEPA' } } } } },
    });
    for (const debit of group.debits) {
      const tx = info.ele('DrctDbtTxInf');
      tx.ele({ PmtId: { EndToEndId: debit.endToEndId } });
      tx.ele('InstdAmt', { Ccy: message.currency }).txt(decimal(debit.amount));
      tx.ele({
        DrctDbtTx: { MndtRltdInf: { MndtId: debit.mandateReference, DtOfSgntr: debit.mandateSignedOn } },
        DbtrAgt: agent(debit.debtorBic),
        Dbtr: { Nm: sepaText(debit.debtorName, 70) },
        DbtrAcct: { Id: { IBAN: debit.debtorIban } },
        RmtInf: { Ustrd: sepaText(debit.remittance, 140) },
      });
    }
  }
  return root.end({ prettyPrint: true });
}
