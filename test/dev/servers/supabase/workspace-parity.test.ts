/**
 * The Supabase SQL's workspace functions mirror the TypeScript decisions the
 * Convex functions and the in-memory server run (src/schema/server/
 * workspaces.ts): the same name rule, and one script of calls by four users
 * giving the same answers and the same refusals (code and message) on both.
 * Workspace ids are made by each server, so answers are compared with ids
 * replaced by labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from '../../../../src/dev/servers/supabase/database.js';
import { userIdFor } from '../../../../src/dev/servers/supabase/auth.js';
import * as decide from '../../../../src/schema/server/workspaces.js';
import { ServerError } from '../../../../src/schema/server/store.js';
import { MemoryWorkspaceStore } from '../../../../src/sync/backends/memory/workspaces.js';
import type { Identity, WorkspaceRole } from '../../../../src/schema/protocol.js';

let db: Database;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(() => db?.close());

const NAMES = [
  'Team', 'ok name', '', '   ', 'personal', 'Personal', ' personal ', '\u00a0PERSONAL\u3000', 'personal2', 'x'.repeat(100), 'x'.repeat(101),
  '😀'.repeat(50), '😀'.repeat(51), 'a\u202Eb', '\u200b\u2060', 'two\nlines', 'tab\there', 'nul\u0000', 'c1\u0085',
];

describe('SQL mirrors of the workspace decisions', () => {
  it('convoy.check_workspace_name gives checkWorkspaceName’s verdict and message', async () => {
    for (const name of NAMES) {
      const [row] = await db.query('select convoy.check_workspace_name(convoy.without_nul(to_json($1::text)) #>> \'{}\') as problem', [name.replace(/\0/g, '\u0001')]);
      const expected = decide.checkWorkspaceName(name.replace(/\0/g, '\u0001'));
      expect(row?.problem ?? null, JSON.stringify(name)).toEqual(expected === null ? null : { field: expected.field, message: expected.message });
    }
  });

  it('answers one script of calls by four users as the TypeScript does', async () => {
    const users = Object.fromEntries(['a', 'b', 'c', 'd'].map((u) => [u, { userId: userIdFor(`parity-${u}`), name: `parity-${u}@example.test` }])) as Record<'a' | 'b' | 'c' | 'd', Identity>;
    for (const u of Object.values(users)) await db.query('insert into auth.users (id) values ($1) on conflict do nothing', [u.userId]);
    const ts = new TypeScriptSide(users);
    const sql = new SqlSide(db, users);
    const labels = new Map<string, string>();
    const label = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'string' ? [...labels].reduce((text, [id, name]) => text.replaceAll(id, `<${name}>`), v) : v));

    /** One call on both sides: same answer or same refusal. `as` names a created workspace. */
    const both = async (call: Call, as?: string) => {
      const [mine, theirs] = [await ts.run(call), await sql.run(call)];
      if (as !== undefined) {
        labels.set((mine as { id: string }).id, as);
        labels.set((theirs as { id: string }).id, as);
      }
      expect(label(theirs), JSON.stringify(call)).toEqual(label(mine));
    };
    await both({ by: 'a', op: 'create', name: 'Team' }, 'Team');
    const steps: Call[] = [
      { by: 'a', op: 'create', name: 'team' },
      { by: 'a', op: 'create', name: 'Personal' },
      { by: 'a', op: 'create', name: '  ' },
      { by: 'b', op: 'add', ws: 'Team', user: 'c', role: 'member' },
      { by: 'a', op: 'add', ws: 'Team', user: 'b', role: 'member' },
      { by: 'a', op: 'add', ws: 'Team', user: 'b', role: 'member' },
      { by: 'b', op: 'add', ws: 'Team', user: 'c', role: 'member' },
      { by: 'a', op: 'add', ws: 'Team', user: 'b', role: 'admin' as WorkspaceRole },
      { by: 'a', op: 'add', ws: 'Team', user: '', role: 'member' },
      { by: 'a', op: 'add', ws: 'personal', user: 'b', role: 'member' },
      { by: 'a', op: 'add', ws: 'Team', user: 'a', role: 'member' },
      { by: 'b', op: 'remove', ws: 'Team', user: 'a' },
      { by: 'a', op: 'remove', ws: 'Team', user: 'a' },
      { by: 'a', op: 'remove', ws: 'personal', user: 'a' },
      { by: 'd', op: 'remove', ws: 'Team', user: 'c' },
      { by: 'd', op: 'remove', ws: 'Team', user: 'd' },
      { by: 'd', op: 'members', ws: 'Team' },
      { by: 'a', op: 'members', ws: 'personal' },
      { by: 'b', op: 'members', ws: 'Team' },
      { by: 'b', op: 'list' },
      { by: 'b', op: 'remove', ws: 'Team', user: 'b' },
      { by: 'b', op: 'remove', ws: 'Team', user: 'b' },
      { by: 'a', op: 'add', ws: 'Team', user: 'c', role: 'owner' },
      { by: 'c', op: 'add', ws: 'Team', user: 'd', role: 'member' },
      { by: 'a', op: 'remove', ws: 'Team', user: 'a' },
      { by: 'c', op: 'members', ws: 'Team' },
      { by: 'a', op: 'list' },
      { by: 'c', op: 'list' },
    ];
    for (const step of steps) await both(step);
  });
});

type Who = 'a' | 'b' | 'c' | 'd';
type Call =
  | { by: Who; op: 'create'; name: string }
  | { by: Who; op: 'add'; ws: string; user: Who | ''; role: WorkspaceRole }
  | { by: Who; op: 'remove'; ws: string; user: Who }
  | { by: Who; op: 'members'; ws: string }
  | { by: Who; op: 'list' };

/** A refusal as data: what both sides are compared on. */
const refusal = (code: string, message: string) => ({ refused: code, message });

abstract class Side {
  /** Labels of created workspaces -> this side's ids. */
  readonly ids = new Map<string, string>();
  constructor(protected readonly users: Record<Who, Identity>) {}

  protected workspaceId(by: Who, ws: string): string {
    return ws === 'personal' ? this.users[by].userId : this.ids.get(ws)!;
  }

  protected userId(user: Who | ''): string {
    return user === '' ? '' : this.users[user].userId;
  }

  async run(call: Call): Promise<unknown> {
    const answer = await this.call(call);
    if (call.op === 'create' && typeof answer === 'object' && answer !== null && 'id' in answer) this.ids.set(call.name, (answer as { id: string }).id);
    return answer;
  }

  protected abstract call(call: Call): Promise<unknown>;
}

class TypeScriptSide extends Side {
  readonly #store = new MemoryWorkspaceStore();

  protected async call(call: Call): Promise<unknown> {
    const caller = this.users[call.by];
    // A call is one transaction (a Convex mutation, a SQL function): a refused one remembers nothing.
    const before = await this.#store.userName(caller.userId);
    try {
      await decide.rememberCaller(this.#store, caller);
      switch (call.op) {
        case 'create':
          return await decide.createWorkspace(this.#store, caller, call.name);
        case 'add':
          return await decide.addMember(this.#store, caller, this.workspaceId(call.by, call.ws), this.userId(call.user), call.role);
        case 'remove':
          return await decide.removeMember(this.#store, caller, this.workspaceId(call.by, call.ws), this.userId(call.user));
        case 'members':
          return await decide.listMembers(this.#store, caller, this.workspaceId(call.by, call.ws));
        case 'list':
          return await decide.listWorkspaces(this.#store, caller);
      }
    } catch (error) {
      await this.#store.saveUserName(caller.userId, before);
      if (error instanceof ServerError) return refusal(error.code, error.message);
      throw error;
    }
  }
}

const REFUSALS: Record<string, string> = { '42501': 'forbidden', '23505': 'exists', '22023': 'invalid' };

class SqlSide extends Side {
  constructor(
    private readonly db: Database,
    users: Record<Who, Identity>,
  ) {
    super(users);
  }

  protected async call(call: Call): Promise<unknown> {
    const [sql, args] = this.#statement(call);
    try {
      return await this.db.transaction(async (s) => {
        await s.query('set local role authenticated');
        const claims = { sub: this.users[call.by].userId, role: 'authenticated', email: this.users[call.by].name };
        await s.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
        return (await s.query(sql, args))[0]!.r;
      });
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code !== undefined && code in REFUSALS) return refusal(REFUSALS[code]!, message);
      throw error;
    }
  }

  #statement(call: Call): [string, unknown[]] {
    switch (call.op) {
      case 'create':
        return ['select public.convoy_create_workspace($1) as r', [call.name]];
      case 'add':
        return ['select public.convoy_add_member($1, $2, $3) as r', [this.workspaceId(call.by, call.ws), this.userId(call.user), call.role]];
      case 'remove':
        return ['select public.convoy_remove_member($1, $2) as r', [this.workspaceId(call.by, call.ws), this.userId(call.user)]];
      case 'members':
        return ['select public.convoy_members($1) as r', [this.workspaceId(call.by, call.ws)]];
      case 'list':
        return ['select public.convoy_workspaces() as r', []];
    }
  }
}
