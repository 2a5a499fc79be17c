/**
 * Lookups over a list of table declarations. The app's registry is
 * `TABLES` (tables.ts); tests may build others (e.g. 25 generated tables).
 */
import type { TableDecl } from './declare.js';
import type { ConflictPolicy } from './protocol.js';
import { TABLES } from './tables.js';

export type Registry = readonly TableDecl[];

/** The declaration of `name` in `registry`, or undefined. */
export function findTable(name: string, registry: Registry = TABLES): TableDecl | undefined {
  return registry.find((t) => t.name === name);
}

/** The declaration of `name`; throws for a table that is not declared (a programming error). */
export function tableDecl(name: string, registry: Registry = TABLES): TableDecl {
  const found = findTable(name, registry);
  if (!found) throw new Error(`unknown synced table ${name}`);
  return found;
}

/** The default conflict policy of every table, as a push batch declares them. */
export function defaultPolicies(registry: Registry = TABLES): Record<string, ConflictPolicy> {
  return Object.fromEntries(registry.map((t) => [t.name, t.policy]));
}
