// The library entry: `import { … } from 'rolehop'`.
export * from './util/errors.ts';
