import { compileNamed, statement } from '../../src/infra/db/statement';
import type { Queryable } from '../../src/infra/db/statement';
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

describe('named statements', () => {
  it('maps each :name to one $n, leaving casts and quoted text alone', () => {
    expect(
      compileNamed(`SELECT :a::uuid, ':not_a_param', :b, 'it''s :c', :a::text[] WHERE x = :b_2`),
    ).toEqual({
      text: `SELECT $1::uuid, ':not_a_param', $2, 'it''s :c', $1::text[] WHERE x = $3`,
      names: ['a', 'b', 'b_2'],
    });
  });

  it('sends the values by position, under the statement name', async () => {
    const sent: unknown[] = [];
    const db: Queryable = {
      query: async <R extends QueryResultRow>(config: QueryConfig) => {
        sent.push(config);
        return { rows: [{ n: 1 }] } as unknown as QueryResult<R>;
      },
    };
    const s = statement<{ id: string; limit: number | null }, { n: number }>(
      'test-named-values',
      'SELECT 1 AS n WHERE :id::uuid IS NOT NULL LIMIT :limit',
    );
    expect(await s.first(db, { id: 'x', limit: null })).toEqual({ n: 1 });
    expect(sent).toEqual([
      {
        name: 'test-named-values',
        text: 'SELECT 1 AS n WHERE $1::uuid IS NOT NULL LIMIT $2',
        values: ['x', null],
      },
    ]);
  });

  it('refuses an undefined parameter and a name used twice', async () => {
    const db: Queryable = { query: () => Promise.reject(new Error('not reached')) };
    const s = statement<{ id?: string }>('test-undefined-param', 'SELECT :id');
    await expect(s.run(db, {})).rejects.toThrow('parameter :id is undefined');
    expect(() => statement('test-undefined-param', 'SELECT 2')).toThrow('used twice');
  });
});
