import { convert } from 'xmlbuilder2';

/** One rejected debit in the bank's return file. */
export interface ReturnedDebit {
  endToEndId: string;
  /** ISO 20022 external status reason code, e.g. AM04. */
  reasonCode: string;
}

type XmlObject = { [key: string]: unknown };

/** Every value under `key`, anywhere in the object tree (xmlbuilder2 makes repeated elements arrays). */
function collect(node: unknown, key: string, into: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, key, into);
  } else if (node && typeof node === 'object') {
    for (const [name, value] of Object.entries(node as XmlObject)) {
      const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
      if (local === key) into.push(...(Array.isArray(value) ? value : [value]));
      else collect(value, key, into);
    }
  }
  return into;
}

const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && '#' in value) return String((value as XmlObject)['#']).trim();
  return null;
};

/**
 * The rejected debits of a bank's return file: the ISO 20022 payment status report
 * (`pain.002.001.03`, "rejets"), each transaction with status RJCT, its original end-to-end id and
 * its reason code. Throws on a file that is not XML or holds no status report.
 */
export function parseReturnFile(xml: string): ReturnedDebit[] {
  const tree = convert(xml, { format: 'object' }) as XmlObject;
  if (collect(tree, 'CstmrPmtStsRpt').length === 0) throw new Error('not a pain.002 status report');
  const rejected: ReturnedDebit[] = [];
  for (const tx of collect(tree, 'TxInfAndSts')) {
    const status = text(collect(tx, 'TxSts')[0]);
    const endToEndId = text(collect(tx, 'OrgnlEndToEndId')[0]);
    if (status !== 'RJCT' || !endToEndId) continue;
    const reason = collect(tx, 'StsRsnInf')[0];
    const code = text(collect(reason, 'Cd')[0]) ?? text(collect(reason, 'Prtry')[0]) ?? 'MS03';
    rejected.push({ endToEndId, reasonCode: code.slice(0, 4) });
  }
  return rejected;
}
