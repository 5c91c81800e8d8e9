import { setImmediate as nextTurn } from 'node:timers/promises';
import { BatchedKeyLookups, type RunStatement, SingleKeyLookups } from './key-lookups';

const SELECT = 'SELECT id, name FROM registries';

interface Statement {
  sql: string;
  values: number[];
}

/** A table of rows 1..10, which records every statement and answers it as a database would. */
function table(): { run: RunStatement; statements: Statement[] } {
  const statements: Statement[] = [];
  const run: RunStatement = (sql, values) => {
    statements.push({ sql, values });
    const rows = [...new Set(values)]
      .filter((id) => id >= 1 && id <= 10)
      .map((id) => ({ id, name: `registry-${id}` }));
    return Promise.resolve(rows);
  };
  return { run, statements };
}

const inList = (size: number): string =>
  `${SELECT} WHERE id IN (${Array<string>(size).fill('?').join(', ')})`;

describe('BatchedKeyLookups', () => {
  it('reads the look-ups of one turn with one statement, each getting its own row', async () => {
    const { run, statements } = table();
    const lookups = new BatchedKeyLookups(SELECT, 'id', run);
    const rows = await Promise.all([lookups.find(3), lookups.find(1), lookups.find(7)]);
    expect(rows).toEqual([
      { id: 3, name: 'registry-3' },
      { id: 1, name: 'registry-1' },
      { id: 7, name: 'registry-7' },
    ]);
    expect(statements).toEqual([{ sql: inList(4), values: [3, 1, 7, 7] }]);
  });

  it('sends a key asked for twice once, and answers both', async () => {
    const { run, statements } = table();
    const lookups = new BatchedKeyLookups(SELECT, 'id', run);
    const [first, second] = await Promise.all([lookups.find(5), lookups.find(5)]);
    expect(first).toEqual({ id: 5, name: 'registry-5' });
    expect(second).toBe(first);
    expect(statements).toEqual([{ sql: inList(1), values: [5] }]);
  });

  it('answers undefined for a key without a row, and the others with theirs', async () => {
    const { run } = table();
    const lookups = new BatchedKeyLookups(SELECT, 'id', run);
    const rows = await Promise.all([lookups.find(2), lookups.find(99)]);
    expect(rows).toEqual([{ id: 2, name: 'registry-2' }, undefined]);
  });

  it('matches rows whose key column comes back as a string', async () => {
    const lookups = new BatchedKeyLookups(SELECT, 'id', () =>
      Promise.resolve([{ id: '4', name: 'registry-4' }]),
    );
    await expect(lookups.find(4)).resolves.toEqual({ id: '4', name: 'registry-4' });
  });

  it('gives each later turn its own statement', async () => {
    const { run, statements } = table();
    const lookups = new BatchedKeyLookups(SELECT, 'id', run);
    await lookups.find(1);
    const second = lookups.find(2);
    await nextTurn();
    const third = lookups.find(3);
    await Promise.all([second, third]);
    expect(statements.map(({ values }) => values)).toEqual([[1], [2], [3]]);
  });

  it('pads the list to a few sizes and splits more than 64 keys into several statements', async () => {
    const { run, statements } = table();
    const lookups = new BatchedKeyLookups(SELECT, 'id', run);
    const keys = Array.from({ length: 70 }, (_, index) => index + 1);
    const rows = await Promise.all(keys.map((key) => lookups.find(key)));
    expect(rows.filter((row) => row !== undefined)).toHaveLength(10);
    expect(statements.map(({ sql }) => sql)).toEqual([inList(64), inList(8)]);
    expect(statements[1].values).toEqual([65, 66, 67, 68, 69, 70, 70, 70]);
  });

  it('fails every look-up of a failed statement with its error, and only those', async () => {
    let calls = 0;
    const failure = new Error('connection lost');
    const lookups = new BatchedKeyLookups(SELECT, 'id', () =>
      (calls += 1) === 1 ? Promise.reject(failure) : Promise.resolve([{ id: 9 }]),
    );
    const failed = [lookups.find(8), lookups.find(9)];
    await expect(Promise.all(failed)).rejects.toBe(failure);
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    await expect(lookups.find(9)).resolves.toEqual({ id: 9 });
  });
});

describe('SingleKeyLookups', () => {
  it('reads each look-up with its own statement', async () => {
    const { run, statements } = table();
    const lookups = new SingleKeyLookups(SELECT, 'id', run);
    const rows = await Promise.all([lookups.find(1), lookups.find(42)]);
    expect(rows).toEqual([{ id: 1, name: 'registry-1' }, undefined]);
    expect(statements).toEqual([
      { sql: `${SELECT} WHERE id = ?`, values: [1] },
      { sql: `${SELECT} WHERE id = ?`, values: [42] },
    ]);
  });
});
