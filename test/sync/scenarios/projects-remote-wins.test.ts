import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../../src/db/conflicts.js';
import { addProject, changeProject, listProjects } from '../../../src/db/projects.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('projects settle conflicts remote-wins', () => {
    it('a web rename beats a concurrent local rename, and the loss is recorded', async () => {
      const a = await scenario.replica({ user: 'hal' });
      const web = await scenario.web('hal');
      const project = addProject(a.ctx.replica(), { name: 'Website' }, Date.now());
      await a.sync();
      await web.updateProject(project.id, { name: 'Web (team name)' });
      changeProject(a.ctx.replica(), project.id, { name: 'My name' }, Date.now());
      const summary = await a.sync();
      expect(summary.conflicts).toBe(1);
      expect(listProjects(a.ctx.replica())[0]).toMatchObject({ name: 'Web (team name)', syncStatus: 'synced' });
      expect(listConflicts(a.ctx.replica(), { all: true })[0]).toMatchObject({ field: 'name', policy: 'remote-wins', winner: 'remote' });
    });
  });
});
