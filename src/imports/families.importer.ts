import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Diet } from '../families/child.entity';
import { msg } from '../shared/i18n';
import { type ColumnSpec, type LineReader, normalizeName } from './fields';
import { ImportErrorCode } from './import.entity';
import type { Importer, LineOutcome } from './importer';

/** The columns of a families file (one line per child, with the family's columns repeated). */
export const FAMILY_COLUMNS = [
  {
    name: 'family_ref',
    aliases: ['ref_famille', 'reference_famille', 'num_famille', 'code_famille', 'id_famille', 'dossier'],
    required: true,
  },
  { name: 'family_name', aliases: ['nom_famille', 'famille', 'foyer'] },
  { name: 'guardian1_last_name', aliases: ['resp1_nom', 'nom_resp1', 'responsable1_nom'], required: true },
  {
    name: 'guardian1_first_name',
    aliases: ['resp1_prenom', 'prenom_resp1', 'responsable1_prenom'],
    required: true,
  },
  { name: 'guardian1_email', aliases: ['resp1_email', 'resp1_mail', 'resp1_courriel'] },
  { name: 'guardian1_phone', aliases: ['resp1_tel', 'resp1_telephone', 'resp1_portable'] },
  { name: 'guardian2_last_name', aliases: ['resp2_nom', 'nom_resp2', 'responsable2_nom'] },
  { name: 'guardian2_first_name', aliases: ['resp2_prenom', 'prenom_resp2', 'responsable2_prenom'] },
  { name: 'guardian2_email', aliases: ['resp2_email', 'resp2_mail', 'resp2_courriel'] },
  { name: 'guardian2_phone', aliases: ['resp2_tel', 'resp2_telephone', 'resp2_portable'] },
  { name: 'address', aliases: ['adresse'] },
  { name: 'postal_code', aliases: ['code_postal', 'cp'] },
  { name: 'city', aliases: ['ville', 'commune'] },
  { name: 'quotient', aliases: ['qf', 'quotient_familial'] },
  {
    name: 'child_ref',
    aliases: ['ref_enfant', 'reference_enfant', 'num_enfant', 'code_enfant', 'id_enfant'],
    required: true,
  },
  { name: 'child_last_name', aliases: ['enfant_nom', 'nom_enfant'], required: true },
  { name: 'child_first_name', aliases: ['enfant_prenom', 'prenom_enfant'], required: true },
  {
    name: 'birth_date',
    aliases: ['date_naissance', 'date_de_naissance', 'ne_le', 'naissance'],
    required: true,
  },
  { name: 'school', aliases: ['ecole', 'etablissement', 'uai'] },
  { name: 'school_class', aliases: ['classe', 'niveau'] },
  { name: 'diet', aliases: ['regime', 'regime_alimentaire'] },
] as const satisfies readonly ColumnSpec[];
export type FamilyColumn = (typeof FAMILY_COLUMNS)[number]['name'];

const DIETS = [
  ['Standard', Diet.STANDARD],
  ['Aucun', Diet.STANDARD],
  ['Sans porc', Diet.NO_PORK],
  ['Végétarien', Diet.VEGETARIAN],
  ['PAI', Diet.ALLERGY_PLAN],
] as const;

interface GuardianRow {
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
}
interface FamilyData {
  name: string;
  guardians: GuardianRow[];
  address: string | null;
  postal_code: string | null;
  city: string | null;
  family_quotient: number | null;
}
interface ChildData {
  first_name: string;
  last_name: string;
  birth_date: string;
  school_id: string | null;
  school_class: string | null;
  diet: Diet;
}
export interface FamilyLine {
  line: number;
  familyRef: string;
  childRef: string;
  family: FamilyData;
  child: ChildData;
}

/** Whether the stored row holds every value the line gives: a line changes a row only when one differs. */
const same = (stored: Record<string, unknown>, wanted: Record<string, unknown>) =>
  Object.keys(wanted).every((key) => JSON.stringify(stored[key] ?? null) === JSON.stringify(wanted[key]));

/**
 * Families and their children, matched by the previous software's references: a family by its
 * reference (`families.external_ref`), a child by its own (`children.external_ref`). A line whose
 * values equal the stored ones is unchanged; a corrected line updates its row. A line counts as
 * created when its child is new, updated when its child changed or — on the family's first written
 * line — its family did, unchanged otherwise.
 */
export class FamiliesImporter implements Importer<FamilyColumn, FamilyLine> {
  readonly columns = FAMILY_COLUMNS;
  private schools = new Map<string, string>();
  /** Family reference → the first line that gave its values, those values, its row once written. */
  private families = new Map<string, { line: number; signature: string; id?: string; counted?: boolean }>();
  /** Child reference → the first line naming it. */
  private children = new Map<string, number>();
  private today = '';

  async prepare(tx: EntityManager, tenantId: string, today: string): Promise<void> {
    this.today = today;
    const rows = await tx.execute<{ id: string; name: string; national_code: string | null }[]>(
      `select id, name, national_code from facilities where tenant_id = ? and kind in ('SCHOOL', 'NURSERY')`,
      [tenantId],
    );
    for (const row of rows) {
      this.schools.set(normalizeName(row.name), row.id);
      if (row.national_code) this.schools.set(normalizeName(row.national_code), row.id);
    }
  }

  read(r: LineReader<FamilyColumn>, encoding: string): FamilyLine | null {
    r.checkEncoding(
      encoding,
      FAMILY_COLUMNS.map((c) => c.name),
    );
    const familyRef = r.text('family_ref', { required: true });
    const guardians: GuardianRow[] = [];
    const g1 = this.guardian(r, 1, true);
    if (g1) guardians.push(g1);
    const g2 = this.guardian(r, 2, false);
    if (g2) guardians.push(g2);
    const quotient = r.decimal('quotient');
    if (quotient !== null && quotient < 0) {
      r.fail('quotient', ImportErrorCode.BAD_NUMBER, msg('import.badNumber', { value: r.raw('quotient') }));
    }
    const family: FamilyData = {
      name: r.text('family_name') ?? (g1 ? `Famille ${g1.last_name}` : ''),
      guardians,
      address: r.text('address', { max: 1000 }),
      postal_code: r.text('postal_code', { max: 16 }),
      city: r.text('city'),
      // The quotient on file is in whole euros: "845,50" is 846.
      family_quotient: quotient === null ? null : Math.round(quotient),
    };
    const familyErrors = r.errors.length;

    const childRef = r.text('child_ref', { required: true });
    const birthDate = r.date('birth_date', { required: true });
    if (birthDate && (birthDate > this.today || birthDate < this.oldest())) {
      r.fail(
        'birth_date',
        ImportErrorCode.BAD_DATE,
        msg('import.birthDateOutOfRange', { value: r.raw('birth_date') }),
      );
    }
    const school = r.text('school');
    const schoolId = school ? (this.schools.get(normalizeName(school)) ?? null) : null;
    if (school && !schoolId) {
      r.fail('school', ImportErrorCode.UNKNOWN_SCHOOL, msg('import.unknownSchool', { value: school }));
    }
    const child: ChildData = {
      first_name: r.text('child_first_name', { required: true }) ?? '',
      last_name: r.text('child_last_name', { required: true }) ?? '',
      birth_date: birthDate ?? '',
      school_id: schoolId,
      school_class: r.text('school_class', { max: 64 }),
      diet: r.choice('diet', DIETS, Diet.STANDARD),
    };

    // In the file: a child named twice, a family reference given to two households.
    if (childRef) {
      const first = this.children.get(childRef);
      if (first !== undefined) {
        r.fail(
          'child_ref',
          ImportErrorCode.DUPLICATE_IN_FILE,
          msg('import.duplicateInFile', { firstLine: first }),
        );
      } else {
        this.children.set(childRef, r.line);
      }
    }
    if (familyRef && familyErrors === 0) {
      const signature = JSON.stringify(family);
      const known = this.families.get(familyRef);
      if (!known) this.families.set(familyRef, { line: r.line, signature });
      else if (known.signature !== signature) {
        r.fail(
          'family_ref',
          ImportErrorCode.DUPLICATE_EXTERNAL_REF,
          msg('import.duplicateExternalRef', { ref: familyRef, firstLine: known.line }),
        );
      }
    }
    if (r.errors.length || !familyRef || !childRef) return null;
    return { line: r.line, familyRef, childRef, family, child };
  }

  async write(tx: EntityManager, tenantId: string, lines: FamilyLine[]): Promise<LineOutcome[]> {
    const familyOutcome = new Map<string, LineOutcome>();
    const pending = [
      ...new Map(
        lines.filter((l) => !this.families.get(l.familyRef)!.id).map((l) => [l.familyRef, l]),
      ).values(),
    ];
    if (pending.length) {
      // A reference of a family merged into another names the kept family; its lines never
      // overwrite the kept family's details (the merge decided which record is right).
      const existing = await keptRows<{ id: string; external_ref: string; merged: boolean } & FamilyData>(
        tx,
        'families',
        'id, external_ref, merged_into_id, name, guardians, address, postal_code, city, family_quotient',
        tenantId,
        pending.map((l) => l.familyRef),
      );
      const byRef = new Map(existing.map((row) => [row.external_ref, row]));
      const inserts: object[] = [];
      const updates: object[] = [];
      for (const line of pending) {
        const row = byRef.get(line.familyRef);
        const known = this.families.get(line.familyRef)!;
        if (!row) {
          known.id = randomUUID();
          inserts.push({ id: known.id, external_ref: line.familyRef, ...line.family });
          familyOutcome.set(line.familyRef, 'created');
        } else {
          known.id = row.id;
          const stored: FamilyData = {
            name: row.name,
            guardians: (row.guardians as GuardianRow[]).map((g) => ({
              first_name: g.first_name,
              last_name: g.last_name,
              email: g.email ?? null,
              phone: g.phone ?? null,
            })),
            address: row.address,
            postal_code: row.postal_code,
            city: row.city,
            family_quotient: row.family_quotient,
          };
          const changed = !row.merged && !same({ ...stored }, { ...line.family });
          if (changed) updates.push({ id: row.id, ...line.family });
          familyOutcome.set(line.familyRef, changed ? 'updated' : 'unchanged');
        }
      }
      await this.upsertFamilies(tx, tenantId, inserts, updates);
    }

    // Likewise a merged child's reference names the kept record, left as it is.
    const existingChildren = await keptRows<
      { id: string; external_ref: string; family_id: string; merged: boolean } & ChildData
    >(
      tx,
      'children',
      'id, external_ref, merged_into_id, family_id, first_name, last_name, birth_date::text as birth_date, school_id, school_class, diet::text as diet',
      tenantId,
      lines.map((l) => l.childRef),
    );
    const childByRef = new Map(existingChildren.map((row) => [row.external_ref, row]));
    const inserts: object[] = [];
    const updates: object[] = [];
    const outcomes: LineOutcome[] = [];
    for (const line of lines) {
      const known = this.families.get(line.familyRef)!;
      const row = childByRef.get(line.childRef);
      const wanted = { family_id: known.id!, ...line.child };
      let outcome: LineOutcome;
      if (!row) {
        inserts.push({ id: randomUUID(), external_ref: line.childRef, ...wanted });
        outcome = 'created';
      } else {
        const changed = !row.merged && !same({ ...row }, wanted);
        if (changed) updates.push({ id: row.id, ...wanted });
        outcome = changed ? 'updated' : 'unchanged';
      }
      // The family's own change counts on its first written line.
      const family = familyOutcome.get(line.familyRef);
      if (family && !known.counted) {
        known.counted = true;
        if (outcome === 'unchanged' && family !== 'unchanged') outcome = 'updated';
      }
      outcomes.push(outcome);
    }
    await this.upsertChildren(tx, tenantId, inserts, updates);
    return outcomes;
  }

  private guardian(r: LineReader<FamilyColumn>, n: 1 | 2, required: boolean): GuardianRow | null {
    const last = `guardian${n}_last_name` as const;
    const first = `guardian${n}_first_name` as const;
    const present = required || r.raw(last) !== '' || r.raw(first) !== '';
    const lastName = r.text(last, { required: present });
    const firstName = r.text(first, { required: present });
    const email = r.email(`guardian${n}_email`);
    const phone = r.phone(`guardian${n}_phone`);
    return lastName && firstName ? { first_name: firstName, last_name: lastName, email, phone } : null;
  }

  private oldest(): string {
    return DateTime.fromISO(this.today).minus({ years: 25 }).toISODate()!;
  }

  private async upsertFamilies(tx: EntityManager, tenantId: string, inserts: object[], updates: object[]) {
    const record = `r(id uuid, external_ref text, name text, guardians jsonb, address text, postal_code text,
      city text, family_quotient int)`;
    if (inserts.length) {
      await tx.execute(
        `insert into families (id, tenant_id, external_ref, name, guardians, address, postal_code, city, family_quotient)
         select r.id, ?, r.external_ref, r.name, r.guardians, r.address, r.postal_code, r.city, r.family_quotient
         from jsonb_to_recordset(?::jsonb) as ${record}`,
        [tenantId, JSON.stringify(inserts)],
      );
    }
    if (updates.length) {
      await tx.execute(
        `update families f set name = r.name, guardians = r.guardians, address = r.address,
           postal_code = r.postal_code, city = r.city, family_quotient = r.family_quotient
         from jsonb_to_recordset(?::jsonb) as ${record}
         where f.tenant_id = ? and f.id = r.id`,
        [JSON.stringify(updates), tenantId],
      );
    }
  }

  private async upsertChildren(tx: EntityManager, tenantId: string, inserts: object[], updates: object[]) {
    const record = `r(id uuid, external_ref text, family_id uuid, first_name text, last_name text, birth_date date,
      school_id uuid, school_class text, diet text)`;
    if (inserts.length) {
      await tx.execute(
        `insert into children (id, tenant_id, external_ref, family_id, first_name, last_name, birth_date, school_id,
           school_class, diet)
         select r.id, ?, r.external_ref, r.family_id, r.first_name, r.last_name, r.birth_date, r.school_id,
                r.school_class, r.diet::diet
         from jsonb_to_recordset(?::jsonb) as ${record}`,
        [tenantId, JSON.stringify(inserts)],
      );
    }
    if (updates.length) {
      await tx.execute(
        `update children c set family_id = r.family_id, first_name = r.first_name, last_name = r.last_name,
           birth_date = r.birth_date, school_id = r.school_id, school_class = r.school_class, diet = r.diet::diet
         from jsonb_to_recordset(?::jsonb) as ${record}
         where c.tenant_id = ? and c.id = r.id`,
        [JSON.stringify(updates), tenantId],
      );
    }
  }
}

/**
 * The rows of `table` whose previous-software reference is one of `refs`, each as the record it
 * stands for: a merged record's reference gives the kept record's columns (with its own
 * `external_ref`, and `merged` true). Two index lookups — by reference, then the kept records by
 * primary key — whatever the statistics say.
 */
export async function keptRows<R extends { external_ref: string; merged: boolean }>(
  tx: EntityManager,
  table: 'families' | 'children',
  columns: string,
  tenantId: string,
  refs: string[],
): Promise<R[]> {
  const found = await tx.execute<(R & { merged_into_id: string | null })[]>(
    `select ${columns} from ${table} where tenant_id = ? and external_ref in (select jsonb_array_elements_text(?::jsonb))`,
    [tenantId, JSON.stringify(refs)],
  );
  const keptIds = [...new Set(found.flatMap((r) => (r.merged_into_id ? [r.merged_into_id] : [])))];
  const kept = keptIds.length
    ? await tx.execute<(R & { merged_into_id: string | null })[]>(
        `select ${columns} from ${table} where tenant_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [tenantId, JSON.stringify(keptIds)],
      )
    : [];
  const keptById = new Map(kept.map((r) => [(r as unknown as { id: string }).id, r]));
  return found.map(({ merged_into_id, ...row }) => {
    const target = merged_into_id ? keptById.get(merged_into_id) : undefined;
    if (!target) return { ...(row as unknown as R), merged: false };
    const { merged_into_id: _ignored, ...keptRow } = target;
    return { ...(keptRow as unknown as R), external_ref: row.external_ref, merged: true };
  });
}
