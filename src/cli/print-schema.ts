import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createSchema, printSortedSchema } from '../http/schema';
import { runCommand } from './args';

/** `npm run schema:print`: regenerates schema/schema.graphql from the code. */
runCommand(
  {
    name: 'schema:print',
    usage: 'npm run schema:print',
    help: 'Writes the GraphQL schema built from the code to schema/schema.graphql (a test fails when they differ).',
    options: {},
  },
  async () => {
    const file = path.resolve(__dirname, '../../../schema/schema.graphql');
    fs.writeFileSync(file, printSortedSchema(await createSchema()));
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  },
);
