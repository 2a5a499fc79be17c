import { shortIds } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { projects } from '../schema/tables.js';
import { addProject, listProjects } from '../db/projects.js';
import type { Context } from '../context.js';
import { paint, projectJson, SYNC_GLYPHS, table } from '../output/format.js';
import { selectedWorkspace } from './workspace-scope.js';

export interface ProjectAddOptions {
  description?: string;
  /** --workspace: a workspace name or id (default: the current one). */
  workspace?: string;
  json?: boolean;
  /** Print only the new project's id. */
  quiet?: boolean;
}

/** `convoy project add <name>`: create a project locally and queue it for sync. */
export async function projectAddCommand(name: string, options: ProjectAddOptions, ctx: Context): Promise<void> {
  const workspace = selectedWorkspace(ctx, options.workspace).id;
  const project = addProject(ctx.replica(), { name, description: options.description, workspace }, ctx.now());
  ctx.reporter.result(projectJson(project), () => (options.quiet ? project.id : `Added project ${paint(ctx.reporter.color, 'bold', project.id)}  ${project.name}`));
}

/** `convoy project list`: the projects of the current workspace (or --workspace), by name. */
export async function projectListCommand(options: { json?: boolean; workspace?: string }, ctx: Context): Promise<void> {
  const workspace = selectedWorkspace(ctx, options.workspace).id;
  const found = listProjects(ctx.replica()).filter((p) => p.workspaceId === workspace);
  ctx.reporter.result(found.map(projectJson), () => {
    if (found.length === 0) return 'No projects. Create one with: convoy project add "Website"';
    const ids = shortIds(ctx.replica(), specFor(projects.name), found.map((p) => p.id));
    const rows = found.map((p) => [ids.get(p.id)!, `${SYNC_GLYPHS[p.syncStatus].glyph} ${p.syncStatus}`, p.name]);
    return table([['ID', 'SYNC', 'NAME'], ...rows], {
      maxWidth: ctx.reporter.interactive ? ctx.reporter.columns : undefined,
      style: (r, _c, cell) => (r === 0 ? paint(ctx.reporter.color, 'dim', cell) : cell),
    });
  });
}
