import { compileNamed, statement } from '../../src/infra/db/statement';
import type { Queryable } from '../../src/infra/db/statement';
import { withAdmin } from '../support/databases';

describe('named statements', () => {
  it('maps each :name to one $n, leaving casts and quoted text alone', () => {
    expect(
      compileNamed(`SELECT :a::uuid, ':not_a_param', :b, 'it''s :c', :a::text[] WHERE x = :b_2`),
    ).toEqual({
      text: `SELECT $1::uuid, ':not_a_param', $2, 'it''s :c', $1::text[] WHERE x = $3`,
      names: ['a', 'b', 'b_2'],
    });
  });

  it('runs as a named prepared statement on real Postgres, values by position', async () => {
    const s = statement<{ id: string; limit: number | null }, { id: string; n: number }>(
      'test-named-values',
      'SELECT :id::uuid AS id, 1 AS n WHERE :id::uuid IS NOT NULL LIMIT :limit',
    );
    const id = '00000000-0000-4000-8000-000000000001';
    await withAdmin(async (c) => {
      expect(await s.first(c, { id, limit: null })).toEqual({ id, n: 1 });
      // Prepared once per connection, under its name.
      const { rows } = await c.query<{ name: string; statement: string }>(
        `SELECT name, statement FROM pg_prepared_statements WHERE name = 'test-named-values'`,
      );
      expect(rows).toEqual([
        {
          name: 'test-named-values',
          statement: 'SELECT $1::uuid AS id, 1 AS n WHERE $1::uuid IS NOT NULL LIMIT $2',
        },
      ]);
    });
  });

  it('refuses an undefined parameter and a name used twice', async () => {
    const db: Queryable = { query: () => Promise.reject(new Error('not reached')) };
    const s = statement<{ id?: string }>('test-undefined-param', 'SELECT :id');
    await expect(s.run(db, {})).rejects.toThrow('parameter :id is undefined');
    expect(() => statement('test-undefined-param', 'SELECT 2')).toThrow('used twice');
  });
});
