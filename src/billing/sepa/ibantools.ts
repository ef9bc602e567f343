/**
 * ibantools, typed. The package is an ES module whose `require` entry is CommonJS
 * (build/ibantools.cjs), but its one declaration file is typed as ESM, which TypeScript will not
 * import from this CommonJS build; so the types come from an import-mode type query and the code
 * from `require`.
 */
type IbanTools = typeof import('ibantools', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ibantools = require('ibantools') as IbanTools;
