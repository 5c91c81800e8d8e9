type Row = Record<string, unknown>;

/** Runs one statement and gives its rows. */
export type RunStatement = (sql: string, values: number[]) => Promise<Row[]>;

/** Look-ups of single rows by a unique integer column, such as the primary key. */
export interface KeyLookups {
  /** The row whose key column holds `key`, or undefined when there is none. */
  find(key: number): Promise<Row | undefined>;
}

interface Waiter {
  resolve: (row: Row | undefined) => void;
  reject: (error: unknown) => void;
}

/** The sizes of the IN lists sent: a few statements for the driver to prepare, not one per size. */
const LIST_SIZES = [1, 2, 4, 8, 16, 32, 64];
const MAX_KEYS = LIST_SIZES[LIST_SIZES.length - 1];

/**
 * Gathers the look-ups made in one turn of the event loop (the requests whose bytes arrived
 * together) and reads them with one statement, `<select> WHERE <column> IN (…)`, after that
 * turn's I/O callbacks: one round trip, one prepared statement and one result set for them all,
 * where each look-up had its own. Each look-up still sees a row as committed when its statement
 * ran, which is never before the look-up was made. The list is padded with its last key to one
 * of a few sizes; more than 64 keys take several statements. A failed statement fails the
 * look-ups it carried, each with its error.
 */
export class BatchedKeyLookups implements KeyLookups {
  private waiting = new Map<number, Waiter[]>();
  private scheduled = false;
  private readonly statements = new Map<number, string>();

  constructor(
    private readonly select: string,
    private readonly column: string,
    private readonly run: RunStatement,
  ) {}

  find(key: number): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters === undefined) this.waiting.set(key, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.readWaiting());
      }
    });
  }

  private readWaiting(): void {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    const keys = [...waiting.keys()];
    for (let start = 0; start < keys.length; start += MAX_KEYS) {
      this.read(keys.slice(start, start + MAX_KEYS), waiting);
    }
  }

  private read(keys: number[], waiting: ReadonlyMap<number, Waiter[]>): void {
    const size = LIST_SIZES.find((listSize) => listSize >= keys.length)!;
    const values = keys.concat(Array<number>(size - keys.length).fill(keys[keys.length - 1]));
    this.run(this.statement(size), values).then(
      (rows) => {
        const byKey = new Map(rows.map((row) => [Number(row[this.column]), row]));
        for (const key of keys) {
          for (const waiter of waiting.get(key)!) waiter.resolve(byKey.get(key));
        }
      },
      (error: unknown) => {
        for (const key of keys) for (const waiter of waiting.get(key)!) waiter.reject(error);
      },
    );
  }

  private statement(size: number): string {
    let sql = this.statements.get(size);
    if (sql === undefined) {
      sql = `${this.select} WHERE ${this.column} IN (${Array(size).fill('?').join(', ')})`;
      this.statements.set(size, sql);
    }
    return sql;
  }
}

/** One statement per look-up, for a database read synchronously in process (SQLite). */
export class SingleKeyLookups implements KeyLookups {
  private readonly sql: string;

  constructor(
    select: string,
    column: string,
    private readonly run: RunStatement,
  ) {
    this.sql = `${select} WHERE ${column} = ?`;
  }

  async find(key: number): Promise<Row | undefined> {
    const [row] = await this.run(this.sql, [key]);
    return row;
  }
}
