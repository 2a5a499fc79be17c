// The bench's sections, in the order `node bench/run.mjs` runs them by default.
// A section is `{ name, summary, run(ctx) -> { figures, rows } }`: `figures`
// go into the BENCH_JSON line, `rows` ({ metric, value, target?, ok? }) into
// the table. Add later benches (sync push/pull, …) as new files here.
import add from './add.mjs';
import importSection from './import.mjs';
import list from './list.mjs';

export const SECTIONS = [add, importSection, list];
