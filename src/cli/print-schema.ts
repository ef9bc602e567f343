import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createSchema, printSortedSchema } from '../http/schema';

/** `npm run schema:print`: regenerates schema/schema.graphql from the code. */
async function run(): Promise<void> {
  const file = path.resolve(__dirname, '../../../schema/schema.graphql');
  fs.writeFileSync(file, printSortedSchema(await createSchema()));
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
