import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { Child } from '../../families/child.entity';
import type { Family } from '../../families/family.entity';
import { ChildType, FamilyType } from '../../families/family.types';
import { DateTime } from '../../graphql/scalars';

/** When a household was archived (archiveFamily, or merged into another): null while it is live. */
@Resolver(() => FamilyType)
export class FamilyArchivedResolver {
  @FieldResolver(() => DateTime, {
    nullable: true,
    description:
      'When the family was archived (archiveFamily, or merged into another): it no longer books and is out of lists, its invoices and history stay. Null while live.',
  })
  archivedAt(@Root() family: Family): Date | null {
    return family.archivedAt ?? null;
  }
}

/** When a child was archived (archiveChild, or merged into another record): null while live. */
@Resolver(() => ChildType)
export class ChildArchivedResolver {
  @FieldResolver(() => DateTime, {
    nullable: true,
    description:
      'When the child was archived (archiveChild, or merged into another record): it no longer books and is out of lists. Null while live.',
  })
  archivedAt(@Root() child: Child): Date | null {
    return child.archivedAt ?? null;
  }
}
