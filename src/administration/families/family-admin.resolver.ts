import {
  Arg,
  Ctx,
  Field,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
} from 'type-graphql';
import { Role } from '../../auth/viewer';
import type { Child } from '../../families/child.entity';
import type { Family } from '../../families/family.entity';
import { ChildType, FamilyType } from '../../families/family.types';
import { Access, STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { IdField, idempotencyKeyField } from '../../graphql/inputs';
import { afterCommit, payloadType } from '../../graphql/payload';
import { toGlobalId } from '../../shared/ids';
import {
  addChild,
  addChildHousehold,
  archiveChild,
  removeChildHousehold,
  updateChild,
} from './child-admin.service';
import { childDuplicates, DuplicateReason, familyDuplicates } from './duplicates.service';
import { archiveFamily, registerFamily, updateFamily } from './family-admin.service';
import {
  AddChildHouseholdPayload,
  AddChildInput,
  AddChildPayload,
  ArchiveChildInput,
  ArchiveChildPayload,
  ArchiveFamilyInput,
  ArchiveFamilyPayload,
  ChildHouseholdInput,
  RegisterFamilyInput,
  RegisterFamilyPayload,
  RemoveChildHouseholdPayload,
  UpdateChildInput,
  UpdateChildPayload,
  UpdateFamilyInput,
  UpdateFamilyPayload,
} from './family-admin.types';
import { mergeChildren, mergeFamilies } from './merge.service';

registerEnumType(DuplicateReason, {
  name: 'DuplicateReason',
  description: 'Why records are likely duplicates.',
  valuesConfig: {
    SAME_EMAIL: { description: "A guardian's email, whatever the case." },
    SAME_PHONE: { description: "A guardian's phone (its last nine digits: 06… and +33 6… match)." },
    SAME_NAME_AND_BIRTH_DATE: {
      description: 'The same names (case, accents, hyphens aside) and birth date.',
    },
  },
});

@Access(STAFF)
@ObjectType('FamilyDuplicates', {
  description: 'Households that are likely one (merge them with mergeFamilies).',
})
class FamilyDuplicatesType {
  @Field(() => DuplicateReason, { description: 'What they share.' })
  reason!: DuplicateReason;

  @Field({ description: 'The shared value: the email, or the phone’s last nine digits.' })
  value!: string;

  @ListLength(2)
  @Field(() => [FamilyType], { description: 'The families, at least two.' })
  families!: Family[];
}

@Access(STAFF)
@ObjectType('ChildDuplicates', {
  description: 'Child records that are likely one child (merge them with mergeChildren).',
})
class ChildDuplicatesType {
  @Field(() => DuplicateReason, { description: 'What they share.' })
  reason!: DuplicateReason;

  @Field({ description: 'The normalised names and the birth date, e.g. "lea martin 2019-03-04".' })
  value!: string;

  @ListLength(2)
  @Field(() => [ChildType], { description: 'The children, at least two.' })
  children!: Child[];
}

@InputType('MergeFamiliesInput', { description: 'Two households that are one.' })
class MergeFamiliesInput {
  @IdField('Family', { exact: true, description: 'The family kept (a live one).' })
  keepFamilyId!: string;

  @IdField('Family', {
    exact: true,
    description:
      'The duplicate, merged into the kept family (then archived; its ID resolves to the kept one). INVALID, naming the kept family in `relatedId`, when it was already merged.',
  })
  mergeFamilyId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('MergeChildrenInput', { description: 'Two child records that are one child.' })
class MergeChildrenInput {
  @IdField('Child', { exact: true, description: 'The record kept (a live one).' })
  keepChildId!: string;

  @IdField('Child', {
    exact: true,
    description:
      'The duplicate, merged into the kept record (then archived; its ID resolves to the kept one). INVALID, naming the kept record in `relatedId`, when it was already merged.',
  })
  mergeChildId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@ObjectType('MergedRows', { description: 'How many rows a merge moved to the record kept, by kind.' })
class MergedRowsType {
  @Field(() => Int, { description: 'Children (mergeFamilies).' }) children!: number;
  @Field(() => Int, { description: 'Reservations.' }) reservations!: number;
  @Field(() => Int, { description: 'Charges (invoiced ones keep their amounts).' }) charges!: number;
  @Field(() => Int, { description: 'Invoices and credit notes (mergeFamilies).' }) invoices!: number;
  @Field(() => Int, { description: 'Payments (mergeFamilies).' }) payments!: number;
  @Field(() => Int, { description: 'Payment plans (mergeFamilies).' }) paymentPlans!: number;
  @Field(() => Int, { description: 'Waitlist entries.' }) waitlistEntries!: number;
  @Field(() => Int, { description: 'Notifications.' }) notifications!: number;
}

const MergeFamiliesPayload = payloadType('MergeFamiliesPayload', 'Result of mergeFamilies.', {
  family: { type: () => FamilyType, nullable: true, description: 'The family kept, with everything moved.' },
  moved: { type: () => MergedRowsType, nullable: true, description: 'What moved.' },
});
const MergeChildrenPayload = payloadType('MergeChildrenPayload', 'Result of mergeChildren.', {
  child: { type: () => ChildType, nullable: true, description: 'The child kept.' },
  moved: { type: () => MergedRowsType, nullable: true, description: 'What moved.' },
});

const rows = (moved: Record<string, number> | undefined | null) =>
  moved && {
    children: moved.children ?? 0,
    reservations: moved.reservations ?? 0,
    charges: moved.charges ?? 0,
    invoices: moved.invoices ?? 0,
    payments: moved.payments ?? 0,
    paymentPlans: moved.payment_plans ?? 0,
    waitlistEntries: moved.waitlist_entries ?? 0,
    notifications: moved.notifications ?? 0,
  };

/** Staff, and parents for their own family's contact details. */
const STAFF_OR_PARENT = { roles: [Role.AGENT, Role.TENANT_ADMIN], parents: true };

const ERRORS =
  'INVALID naming the field for empty or too-long text, a malformed email or phone, a birth date in the future or over 25 years ago; NOT_FOUND for an unknown, archived or other-tenant';

@Resolver()
export class FamilyAdminResolver {
  private family = (value: { familyId: string } | null) =>
    afterCommit((read) => (value ? read.loaders.familyById.load(value.familyId) : null));
  private child = (value: { childId: string } | null) =>
    afterCommit((read) => (value ? read.loaders.childById.load(value.childId) : null));

  @Access(STAFF)
  @Mutation(() => RegisterFamilyPayload, {
    description: `Register a household and its guardians. ${ERRORS} ID; DUPLICATE when the external reference or a guardian email is already another family's. Agents and tenant admins; audited; retry-safe with idempotencyKey.`,
  })
  async registerFamily(
    @Arg('input', { description: 'The household.' }) input: RegisterFamilyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await registerFamily(ctx, input);
    return { family: this.family(value), userErrors };
  }

  @Access(STAFF_OR_PARENT)
  @Mutation(() => UpdateFamilyPayload, {
    description: `Change a household's details (omitted fields stay). Parents: their own family's guardians and address only (NOT_ALLOWED for the name or external reference). ${ERRORS} family; DUPLICATE as registerFamily. Audited (before → after); retry-safe with idempotencyKey.`,
  })
  async updateFamily(
    @Arg('input', { description: 'The changes.' }) input: UpdateFamilyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updateFamily(ctx, input);
    return { family: this.family(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => ArchiveFamilyPayload, {
    description:
      'Archive a household: out of the families list and bookings, kept on invoices and in history. NOT_ALLOWED while it holds bookings or waitlist entries from today on (the message counts them); NOT_FOUND for an unknown or archived family. Agents and tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async archiveFamily(
    @Arg('input', { description: 'The family.' }) input: ArchiveFamilyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await archiveFamily(ctx, input);
    return { archivedFamilyId: value ? toGlobalId('Family', value.familyId) : null, userErrors };
  }

  @Access(STAFF)
  @Mutation(() => AddChildPayload, {
    description: `Enrol a child in a household. ${ERRORS} family or school; INVALID for a facility that is not a school or crèche; DUPLICATE for a child of the family with the same names and birth date. Agents and tenant admins; audited; retry-safe with idempotencyKey.`,
  })
  async addChild(
    @Arg('input', { description: 'The child.' }) input: AddChildInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await addChild(ctx, input);
    return { child: this.child(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => UpdateChildPayload, {
    description: `Change a child's names, birth date, class, diet or school (schoolId: moved to another school; leaveSchool: none). ${ERRORS} child or school; DUPLICATE as addChild. Agents and tenant admins; audited (before → after); retry-safe with idempotencyKey.`,
  })
  async updateChild(
    @Arg('input', { description: 'The changes.' }) input: UpdateChildInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await updateChild(ctx, input);
    return { child: this.child(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => ArchiveChildPayload, {
    description:
      'Archive a child: out of lists and bookings, kept on invoices and in history. NOT_ALLOWED while it holds bookings or waitlist entries from today on; NOT_FOUND for an unknown or archived child. Agents and tenant admins; audited; retry-safe with idempotencyKey.',
  })
  async archiveChild(
    @Arg('input', { description: 'The child.' }) input: ArchiveChildInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await archiveChild(ctx, input);
    return { archivedChildId: value ? toGlobalId('Child', value.childId) : null, userErrors };
  }

  @Access(STAFF)
  @Mutation(() => AddChildHouseholdPayload, {
    description:
      "Shared custody: the child also belongs to another household, whose parents book (and pay for) their own days; each household sees the other's bookings only as taken. INVALID when the family is already one of the child's households; NOT_FOUND for an unknown child or family. Agents and tenant admins; audited; retry-safe with idempotencyKey.",
  })
  async addChildHousehold(
    @Arg('input', { description: 'Child and household.' }) input: ChildHouseholdInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await addChildHousehold(ctx, input);
    return { child: this.child(value), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => RemoveChildHouseholdPayload, {
    description:
      "End shared custody with a household (its past bookings and charges stay its own). NOT_FOUND when it is not one of the child's other households; NOT_ALLOWED while it holds bookings of the child from today on. Agents and tenant admins; audited; retry-safe with idempotencyKey.",
  })
  async removeChildHousehold(
    @Arg('input', { description: 'Child and household.' }) input: ChildHouseholdInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await removeChildHousehold(ctx, input);
    return { child: this.child(value), userErrors };
  }

  @Access(STAFF)
  @ListLength(20)
  @Query(() => [FamilyDuplicatesType], {
    description:
      'Likely duplicate households (the same guardian email or phone), largest groups first, at most `first` (1 to 200). Agents and tenant admins.',
  })
  async familyDuplicates(
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many groups, 1 to 200.' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ) {
    const groups = await familyDuplicates(ctx, Math.min(Math.max(first, 1), 200));
    return groups.map((g) => ({ ...g, families: g.ids.map((id) => ctx.loaders.familyById.load(id)) }));
  }

  @Access(STAFF)
  @ListLength(20)
  @Query(() => [ChildDuplicatesType], {
    description:
      'Likely duplicate child records (the same normalised names and birth date), largest groups first, at most `first` (1 to 200). Agents and tenant admins.',
  })
  async childDuplicates(
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many groups, 1 to 200.' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ) {
    const groups = await childDuplicates(ctx, Math.min(Math.max(first, 1), 200));
    return groups.map((g) => ({ ...g, children: g.ids.map((id) => ctx.loaders.childById.load(id)) }));
  }

  @Access(STAFF)
  @Mutation(() => MergeFamiliesPayload, {
    description:
      'Merge a duplicate household into the one kept, in one transaction: children, reservations, charges, invoices, payments, plans, waitlist entries, notifications and quotient attestations move; the duplicate is archived and its ID resolves to the kept family. MERGE_CONFLICT naming the invoices when both have an invoice for one month (or a direct debit for one service, or an opening balance of one legacy document reference); INVALID for the same family twice; NOT_FOUND for an unknown or already merged one. Agents and tenant admins; audited with the counts moved; retry-safe with idempotencyKey.',
  })
  async mergeFamilies(
    @Arg('input', { description: 'Kept and duplicate.' }) input: MergeFamiliesInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await mergeFamilies(ctx, input);
    return { family: this.family(value), moved: rows(value?.moved), userErrors };
  }

  @Access(STAFF)
  @Mutation(() => MergeChildrenPayload, {
    description:
      "Merge a duplicate child record into the one kept: reservations, charges, waitlist entries and notifications move, and the duplicate's household becomes one of the kept child's households if it differs. MERGE_CONFLICT naming the sessions (relatedId: the first) when both are booked at overlapping hours or waitlisted on one session; INVALID for the same child twice; NOT_FOUND for an unknown or already merged one. Agents and tenant admins; audited; retry-safe with idempotencyKey.",
  })
  async mergeChildren(
    @Arg('input', { description: 'Kept and duplicate.' }) input: MergeChildrenInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await mergeChildren(ctx, input);
    return { child: this.child(value), moved: rows(value?.moved), userErrors };
  }
}
