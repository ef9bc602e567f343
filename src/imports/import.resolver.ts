import { Arg, Args, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import { isStaff, Role } from '../auth/viewer';
import { Access, TENANT_ADMIN } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { ListLength } from '../graphql/cost';
import { IdArg } from '../graphql/inputs';
import { registerNode } from '../graphql/node';
import { BadInputError } from '../shared/errors';
import { msg, render } from '../shared/i18n';
import { Import, type ImportLineError } from './import.entity';
import { listImports } from './imports.queries';
import { ImportConnection, ImportErrorType, ImportsArgs, ImportType } from './import.types';

const visible = (ctx: GraphQLContext) => isStaff(ctx.viewer) && ctx.viewer.roles.includes(Role.TENANT_ADMIN);

registerNode({
  typeName: 'Import',
  entity: Import,
  load: async (ctx, id) => (visible(ctx) ? ctx.em.findOne(Import, { id }) : null),
});

@Resolver(() => ImportErrorType)
export class ImportErrorResolver {
  @FieldResolver(() => String, { description: "What is wrong and what to do, in the reader's language." })
  message(@Root() error: ImportLineError, @Ctx() ctx: GraphQLContext): string {
    return render(error.message, ctx.language);
  }
}

@Resolver(() => ImportType)
export class ImportResolver {
  @Access(TENANT_ADMIN)
  @Query(() => ImportConnection, {
    description: "The tenant's imports, newest first, dry runs included. Tenant admins.",
  })
  imports(@Args() page: ImportsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionShape<Import>> {
    return listImports(ctx, page).then(toConnection);
  }

  @Access(TENANT_ADMIN)
  @Query(() => ImportType, {
    nullable: true,
    description:
      'One import by its ID (as POST /imports/<kind> answered it); null when not found. Tenant admins.',
  })
  import(
    @IdArg('id', 'Import', { description: 'The import.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Import | null> {
    return ctx.em.findOne(Import, { id });
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'How far the file has been read, 0 to 1, when its length was announced (Content-Length); null otherwise.',
  })
  progress(@Root() row: Import): number | null {
    if (!row.bytesTotal) return null;
    return Math.min(1, Number(row.bytesRead) / Number(row.bytesTotal));
  }

  @ListLength((args) => Number(args.first ?? 100))
  @FieldResolver(() => [ImportErrorType], {
    description:
      'Its errors in file order (the first 1,000 found are kept; `errorCount` counts them all). `first` 1–1000 (default 100), from `offset` (default 0).',
  })
  errors(
    @Root() row: Import,
    @Arg('first', () => Int, { nullable: true, description: 'How many (1–1000, default 100).' })
    first: number | null,
    @Arg('offset', () => Int, { nullable: true, description: 'How many to skip (default 0).' })
    offset: number | null,
  ): ImportLineError[] {
    const count = first ?? 100;
    const from = offset ?? 0;
    if (count < 1 || count > 1000) {
      throw new BadInputError(msg('input.outOfRange', { field: 'first', min: 1, max: 1000, value: count }), [
        'first',
      ]);
    }
    if (from < 0) {
      throw new BadInputError(msg('input.outOfRange', { field: 'offset', min: 0, max: 1000, value: from }), [
        'offset',
      ]);
    }
    return row.errors.slice(from, from + count);
  }
}
