import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../servers/contract/wire.js';

const DOC = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');

/** The endpoint table of docs/server.md: from its header row to the first line that is not a row. */
function endpointTable(): string {
  const start = DOC.indexOf('| endpoint | what it does |');
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = DOC.slice(start).split('\n');
  return rows
    .slice(
      0,
      rows.findIndex((line) => !line.startsWith('|')),
    )
    .join('\n');
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the wire contract', () => {
  it('documents every route in the endpoint table of docs/server.md, where a user of the server looks for it', () => {
    const table = endpointTable();
    for (const route of Object.values(ROUTES)) {
      // The route itself, after a backtick or a method, then its query or the closing backtick: `/api/poll` is not
      // found inside `/express/api/poll`, nor `/ws` inside `/ws-bare`.
      expect(table, route).toMatch(new RegExp(`\`(?:[A-Z]+ )?${escaped(route)}(?=[?\`])`));
    }
  });
});
