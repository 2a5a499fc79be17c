// The bench's sections, in the order `node bench/run.mjs` runs them by default.
// A section is `{ name, summary, run(ctx) -> { figures, rows } }`: `figures`
// go into the BENCH_JSON line, `rows` ({ metric, value, target?, ok? }) into
// the table. Add later benches as new files here. A section with `optIn: true`
// (scale: minutes, a million tasks) runs only when named.
//
// A section may also declare `flags` ({ 'idle-seconds': { default, min } }):
// its own `--name=N` options, read from `sectionFlags` in lib.mjs. They are
// claimed here, at import, because run.mjs parses argv after importing this
// file and refuses any flag it does not know itself.
import { claimSectionFlags } from '../lib.mjs';
import add from './add.mjs';
import daemon from './daemon.mjs';
import importSection from './import.mjs';
import list from './list.mjs';
import markSynced from './mark-synced.mjs';
import pull from './pull.mjs';
import push from './push.mjs';
import roundTrip from './round-trip.mjs';
import scale from './scale.mjs';
import supabase from './supabase.mjs';
import workspaces from './workspaces.mjs';

export const SECTIONS = [add, importSection, list, push, pull, markSynced, daemon, supabase, roundTrip, workspaces, scale];

claimSectionFlags(Object.assign({}, ...SECTIONS.map((s) => s.flags ?? {})));
