import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Access, STAFF } from '../../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../../graphql/inputs';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { FamilyType } from '../../families/family.types';
import { MAX_QUOTIENT } from './quotient.service';

@InputType('SetFamilyQuotientInput', { description: "A family's quotient from a date (an attestation)." })
export class SetFamilyQuotientInput {
  @IdField('Family', { description: 'The family.' })
  familyId!: string;

  @Field(() => Int, {
    description: `Monthly family quotient in whole currency units, 0 to ${MAX_QUOTIENT} (INVALID otherwise).`,
  })
  quotient!: number;

  @Field(() => LocalDate, {
    description:
      'First date it applies to (tenant-local): sessions from that date are priced with it; charges already created never change. At most 400 days ahead. The same date again replaces that attestation.',
  })
  effectiveFrom!: string;

  @TextField({
    description: 'The attestation it comes from, e.g. "CAF 2027-01 n° 123456", 1 to 255 characters.',
  })
  documentRef!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@Access(STAFF)
@ObjectType('FamilyQuotientEntry', { description: "One attestation in a family's quotient history." })
export class FamilyQuotientEntryType {
  @Field(() => Int, { description: 'The quotient, in whole currency units.' })
  quotient!: number;

  @Field(() => LocalDate, { description: 'From this date (until the next entry).' })
  effectiveFrom!: string;

  @Field(() => String, { nullable: true, description: 'The attestation it comes from.' })
  documentRef!: string | null;

  @Field({ description: 'Who recorded it (token subject or API key).' })
  recordedBy!: string;

  @Field(() => DateTime, { description: 'When it was recorded.' })
  recordedAt!: Date;
}

export const SetFamilyQuotientPayload = payloadType(
  'SetFamilyQuotientPayload',
  'Result of setFamilyQuotient.',
  {
    family: { type: () => FamilyType, nullable: true, description: 'The family, with its quotient history.' },
  },
);
