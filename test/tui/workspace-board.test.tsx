/** The board shows one workspace: its tasks only, new tasks go to it, and the header names it. */
import { describe, expect, it } from 'vitest';
import { addTask, listTasks } from '../../src/db/tasks.js';
import { findWorkspace, saveWorkspaceList } from '../../src/db/workspaces.js';
import { createBoardModel } from '../../src/tui/model.js';
import { boardSetup, renderBoard } from './helpers.js';

const NOW = Date.UTC(2026, 0, 1);

describe('the board of a workspace', () => {
  it('shows only the workspace it was given, names it in the header, and creates tasks in it', async () => {
    const { ctx, model: personal } = await boardSetup();
    saveWorkspaceList(
      ctx.replica(),
      {
        user: { userId: 'ann', name: null },
        workspaces: [
          { id: 'ann', name: 'personal', role: 'owner', personal: true },
          { id: 'ws-team', name: 'Team', role: 'member', personal: false },
        ],
      },
      NOW,
    );
    const team = findWorkspace(ctx.replica(), 'Team');
    addTask(ctx.replica(), { title: 'ours', workspace: team.id }, NOW);
    addTask(ctx.replica(), { title: 'mine' }, NOW);

    const board = renderBoard(await createBoardModel(ctx, { workspace: { id: team.id, name: team.name } }));
    let frame = await board.waitFor('To do (1)');
    expect(frame).toMatch(/^convoy · workspace Team · /);
    expect(frame).toContain('ours');
    expect(frame).not.toContain('mine');
    await board.press('n', 'Landing page', '\r');
    frame = await board.waitFor('To do (2)');
    expect(listTasks(ctx.replica(), { workspace: team.id }).map((t) => t.title).sort()).toEqual(['Landing page', 'ours']);
    expect(listTasks(ctx.replica(), {}).map((t) => t.title)).toEqual(['mine']);

    // A model built without a workspace is the personal one's.
    expect(personal.workspace).toEqual({ id: '', name: 'personal' });
    expect(renderBoard(personal).frame()).toMatch(/^convoy · workspace personal · /);
  });
});
