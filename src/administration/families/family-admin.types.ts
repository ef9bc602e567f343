import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Diet } from '../../families/child.entity';
import { CHILD_READERS, ChildType, FamilyType } from '../../families/family.types';
import { Access } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { LocalDate } from '../../graphql/scalars';
import { MAX_GUARDIANS } from './family-checks';

@InputType('GuardianInput', { description: 'A responsible adult of the household (responsable légal).' })
export class GuardianInput {
  @TextField({ description: 'First name, 1 to 255 characters.' })
  firstName!: string;

  @TextField({ description: 'Last name, 1 to 255 characters.' })
  lastName!: string;

  @TextField({
    nullable: true,
    maxLength: 254,
    description:
      'Email address (stored lower-case); INVALID when malformed; DUPLICATE when another family of the tenant has it.',
  })
  email?: string | null;

  @TextField({
    nullable: true,
    maxLength: 32,
    description:
      'Phone number: 6 to 15 digits, an optional leading +, spaces, dots or hyphens (INVALID otherwise).',
  })
  phone?: string | null;
}

@InputType('RegisterFamilyInput', { description: 'A new household and its guardians.' })
export class RegisterFamilyInput {
  @TextField({ description: 'Display name, e.g. "Famille Martin", 1 to 255 characters.' })
  name!: string;

  @Field(() => [GuardianInput], {
    description: `Its guardians, 1 to ${MAX_GUARDIANS}; each with an email or a phone (INVALID otherwise).`,
  })
  guardians!: GuardianInput[];

  @TextField({ nullable: true, maxLength: 500, description: 'Street address, at most 500 characters.' })
  address?: string | null;

  @TextField({ nullable: true, maxLength: 16, description: 'Postal code, at most 16 characters.' })
  postalCode?: string | null;

  @TextField({ nullable: true, description: 'City, at most 255 characters.' })
  city?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Family quotient on file (whole currency units, 0 to 50,000); null: the top bracket until an attestation (setFamilyQuotient).',
  })
  familyQuotient?: number | null;

  @TextField({
    nullable: true,
    description:
      "The family's identifier in the previous software; DUPLICATE when another family of the tenant has it.",
  })
  externalRef?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('UpdateFamilyInput', {
  description:
    'Changes to a household; omitted fields stay as they are. Parents may change their own contact details (guardians, address) only.',
})
export class UpdateFamilyInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @TextField({ nullable: true, description: 'Display name (staff only).' })
  name?: string | null;

  @Field(() => [GuardianInput], {
    nullable: true,
    description: `The guardians, replacing the current ones (1 to ${MAX_GUARDIANS}).`,
  })
  guardians?: GuardianInput[] | null;

  @TextField({ nullable: true, maxLength: 500, description: 'Street address; an empty string clears it.' })
  address?: string | null;

  @TextField({ nullable: true, maxLength: 16, description: 'Postal code; an empty string clears it.' })
  postalCode?: string | null;

  @TextField({ nullable: true, description: 'City; an empty string clears it.' })
  city?: string | null;

  @TextField({ nullable: true, description: 'Identifier in the previous software (staff only).' })
  externalRef?: string | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ArchiveFamilyInput', { description: 'The household to archive.' })
export class ArchiveFamilyInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('AddChildInput', { description: 'A child of a household.' })
export class AddChildInput {
  @IdField('Family', { description: 'Its household.' })
  familyId!: string;

  @TextField({ description: 'First name, 1 to 255 characters.' })
  firstName!: string;

  @TextField({ description: 'Last name, 1 to 255 characters.' })
  lastName!: string;

  @Field(() => LocalDate, {
    description: 'Birth date: not in the future, not more than 25 years ago (INVALID otherwise).',
  })
  birthDate!: string;

  @IdField('Facility', { nullable: true, description: 'The school or crèche it attends, if any.' })
  schoolId?: string | null;

  @TextField({
    nullable: true,
    maxLength: 64,
    description: 'Class or group, e.g. "CE2", at most 64 characters.',
  })
  schoolClass?: string | null;

  @Field(() => Diet, {
    nullable: true,
    description:
      'Diet the kitchen plans for (ALLERGY_PLAN: an individual allergy plan, PAI); STANDARD by default.',
  })
  diet?: Diet | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('UpdateChildInput', { description: 'Changes to a child; omitted fields stay as they are.' })
export class UpdateChildInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;

  @TextField({ nullable: true, description: 'First name.' })
  firstName?: string | null;

  @TextField({ nullable: true, description: 'Last name.' })
  lastName?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Birth date (same bounds as addChild).' })
  birthDate?: string | null;

  @IdField('Facility', {
    nullable: true,
    description: 'Move the child to this school or crèche; with `leaveSchool` true, to none.',
  })
  schoolId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True: the child no longer attends a school.' })
  leaveSchool?: boolean | null;

  @TextField({ nullable: true, maxLength: 64, description: 'Class or group; an empty string clears it.' })
  schoolClass?: string | null;

  @Field(() => Diet, { nullable: true, description: 'Diet the kitchen plans for.' })
  diet?: Diet | null;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ArchiveChildInput', { description: 'The child to archive.' })
export class ArchiveChildInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('ChildHouseholdInput', { description: 'A child and a second household (shared custody).' })
export class ChildHouseholdInput {
  @IdField('Child', { description: 'The child.' })
  childId!: string;

  @IdField('Family', { description: 'The other household (parents living apart).' })
  familyId!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const FamilyPayload = (name: string, what: string) =>
  payloadType(name, `Result of ${what}.`, {
    family: { type: () => FamilyType, nullable: true, description: 'The family, as it now is.' },
  });

export const ChildPayload = (name: string, what: string) =>
  payloadType(name, `Result of ${what}.`, {
    child: { type: () => ChildType, nullable: true, description: 'The child, as it now is.' },
  });

export const RegisterFamilyPayload = FamilyPayload('RegisterFamilyPayload', 'registerFamily');
export const UpdateFamilyPayload = FamilyPayload('UpdateFamilyPayload', 'updateFamily');
export const ArchiveFamilyPayload = payloadType('ArchiveFamilyPayload', 'Result of archiveFamily.', {
  archivedFamilyId: { type: () => ID, nullable: true, description: 'The ID of the family archived.' },
});
export const AddChildPayload = ChildPayload('AddChildPayload', 'addChild');
export const UpdateChildPayload = ChildPayload('UpdateChildPayload', 'updateChild');
export const ArchiveChildPayload = payloadType('ArchiveChildPayload', 'Result of archiveChild.', {
  archivedChildId: { type: () => ID, nullable: true, description: 'The ID of the child archived.' },
});
export const AddChildHouseholdPayload = ChildPayload('AddChildHouseholdPayload', 'addChildHousehold');
export const RemoveChildHouseholdPayload = ChildPayload(
  'RemoveChildHouseholdPayload',
  'removeChildHousehold',
);

@Access(CHILD_READERS)
@ObjectType('OtherHouseholdBooking', {
  description:
    "A day the child's other household booked (shared custody): only that it is taken, never that household's details.",
})
export class OtherHouseholdBookingType {
  @Field(() => ID, { description: 'The session booked.' })
  sessionId!: string;

  @Field(() => LocalDate, { description: 'Its date (tenant-local).' })
  date!: string;

  @Field({ description: 'Always "OTHER_HOUSEHOLD": booked by the other household.' })
  bookedBy!: string;
}
