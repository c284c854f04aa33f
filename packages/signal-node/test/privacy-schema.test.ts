import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteRoomRegistry } from '../src/storage/sqlite-room-registry.js';
import { removeTempDirs, tempDatabase } from './account-helpers.js';

afterAll(removeTempDirs);

const privacy = readFileSync(new URL('../../../docs/privacy.md', import.meta.url), 'utf8');

/** Table name to column names, as docs/privacy.md lists them under "### `table`". */
function documentedSchema(markdown: string): Record<string, string[]> {
  const schema: Record<string, string[]> = {};
  let table: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^### `([a-z_]+)`$/.exec(line);
    if (heading?.[1] !== undefined) {
      table = heading[1];
      schema[table] = [];
      continue;
    }
    const row = /^\| `([a-z_]+)` +\|/.exec(line);
    if (table !== undefined && row?.[1] !== undefined) {
      schema[table]?.push(row[1]);
    }
  }
  return schema;
}

describe('docs/privacy.md', () => {
  it('lists exactly the tables and columns of the real database', async () => {
    const path = tempDatabase();
    await new SqliteRoomRegistry(path, 1).close();
    const db = new BetterSqlite3(path, { readonly: true });
    const actual: Record<string, string[]> = {};
    try {
      const tables = db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .all();
      for (const { name } of tables) {
        actual[name] = db
          .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
          .all(name)
          .map((column) => column.name);
      }
    } finally {
      db.close();
    }
    const documented = documentedSchema(privacy);
    expect(Object.keys(actual).length).toBeGreaterThanOrEqual(5);
    expect(sorted(documented)).toEqual(sorted(actual));
  });
});

function sorted(schema: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(schema)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([table, columns]) => [table, [...columns].sort()]),
  );
}
