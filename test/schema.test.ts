import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createSchema, printSortedSchema } from '../src/http/schema';

describe('schema/schema.graphql', () => {
  it('matches the schema generated from the code (run `npm run schema:print` after a change)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printSortedSchema(await createSchema())).toBe(committed);
  });

  it('documents every type, field and argument for integrators', async () => {
    const schema = await createSchema();
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
        continue;
      if (!type.description) undocumented.push(type.name);
      if ('getFields' in type) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('declares who may call every query and mutation (an access rule, checked before anything runs)', async () => {
    const schema = await createSchema();
    const undeclared = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
      Object.values(root.getFields())
        .filter((field) => !field.extensions?.access)
        .map((field) => `${root.name}.${field.name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('keeps deprecated fields until clients moved: Money.amount (32-bit) beside minorUnits', async () => {
    const money = (await createSchema()).getType('Money') as import('graphql').GraphQLObjectType;
    expect(money.getFields().amount.deprecationReason).toMatch(/minorUnits/);
    expect(String(money.getFields().minorUnits.type)).toBe('SafeInt!');
  });
});
