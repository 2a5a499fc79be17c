/** Generated files must equal what the table declarations give today. */
import { expect, it } from 'vitest';
import { generatedFiles, staleFiles } from '../../src/gen/run.js';

it('every generated file is up to date (else run npm run gen)', () => {
  expect(staleFiles()).toEqual([]);
});

it('every generated file says so in its first lines', () => {
  for (const file of generatedFiles()) {
    expect(file.content.split('\n').slice(0, 3).join('\n'), file.path).toMatch(/generated/i);
  }
});
