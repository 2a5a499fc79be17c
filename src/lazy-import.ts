/**
 * Dynamic import for heavy packages (conf, SDKs, Ink). The published CLI runs
 * from a V8 code-cached script (bin/convoy.cjs), where a bare `import()` has
 * no module loader; the launcher provides one as `globalThis.__convoyImport`.
 * Everywhere else (tests, tsx) this is plain `import()`.
 */
type Importer = (specifier: string) => Promise<unknown>;

export function importLazy<T>(specifier: string): Promise<T> {
  const bridge = (globalThis as { __convoyImport?: Importer }).__convoyImport;
  return (bridge ? bridge(specifier) : import(specifier)) as Promise<T>;
}
