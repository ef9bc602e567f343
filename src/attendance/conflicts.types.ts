import { ArgsType, Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import { Access } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { IdField, idempotencyKeyField, TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';
import { AttendanceConflictStatus } from './attendance-conflict.entity';

registerEnumType(AttendanceConflictStatus, {
  name: 'AttendanceConflictStatus',
  description: 'Where a conflict between two devices stands.',
  valuesConfig: {
    OPEN: { description: "Waiting for an agent; the child's outcome stays as the first device recorded it." },
    RESOLVED: { description: 'An agent chose the outcome (resolveAttendanceConflict).' },
  },
});

@Access({ scopes: [Scope.ATTENDANCE_WRITE] })
@ObjectType('DeviceMark', { description: 'What one device last recorded for the child, offline.' })
export class DeviceMarkType {
  @Field({ description: "The device's identifier, as its journal gives it (at most 64 characters)." })
  deviceId!: string;

  @Field({ description: "The action's identifier in that device's journal." })
  actionId!: string;

  @Field({ description: 'Present (true) or absent (false).' })
  present!: boolean;

  @Field(() => DateTime, { description: 'When the device recorded it.' })
  recordedAt!: string;
}

@Access({ scopes: [Scope.ATTENDANCE_WRITE] })
@ObjectType('AttendanceConflict', {
  implements: Node,
  description:
    'Two devices recorded the same child of the same session differently while offline: never settled silently, an agent resolves it.',
})
export class AttendanceConflictType extends Node {
  @Field(() => AttendanceConflictStatus, { description: 'Open or resolved.' })
  status!: AttendanceConflictStatus;

  @Field(() => [DeviceMarkType], { description: "Each device's latest mark for the child." })
  marks!: DeviceMarkType[];

  @Field(() => DateTime, { description: 'When the disagreement arrived.' })
  detectedAt!: Date;

  @Field(() => Boolean, { nullable: true, description: 'The outcome the agent chose; null while open.' })
  resolvedPresent!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Who resolved it (token subject); null while open.' })
  resolvedBy!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was resolved; null while open.' })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the agent chose that outcome; null while open.' })
  resolutionReason!: string | null;
}

export const AttendanceConflictConnection = connectionOf(AttendanceConflictType, 'AttendanceConflict');

@ArgsType()
export class AttendanceConflictsArgs extends PageArgs {
  @Field(() => AttendanceConflictStatus, {
    nullable: true,
    description: 'Which conflicts: OPEN (the default) or RESOLVED.',
  })
  status?: AttendanceConflictStatus | null;
}

@InputType('ResolveAttendanceConflictInput', { description: 'How an agent settles a conflict.' })
export class ResolveAttendanceConflictInput {
  @IdField('AttendanceConflict', { description: 'The conflict.' })
  conflictId!: string;

  @Field({ description: 'Whether the child was present (true) or absent (false).' })
  present!: boolean;

  @TextField({ maxLength: 500, description: 'Why (kept in the audit trail), 1 to 500 characters.' })
  reason!: string;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const ResolveAttendanceConflictPayload = payloadType(
  'ResolveAttendanceConflictPayload',
  'Result of resolveAttendanceConflict.',
  {
    conflict: {
      type: () => AttendanceConflictType,
      nullable: true,
      description: 'The conflict, resolved.',
    },
  },
);
