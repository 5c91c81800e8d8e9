import type { DataSource, Driver, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { transactionStatement } from './transaction-statements';

type Row = Record<string, unknown>;

/**
 * One entity's columns and row mapping, for the SQL written by hand (the fast reads, the row an
 * update locks, the inserts of the audit trail): both come from the entity's own TypeORM metadata,
 * hydrated or persisted with the driver's conversions and each column's transformer, decryption
 * and encryption included. A column added to the entity is therefore read and written by every
 * path, the same way as TypeORM does it.
 */
export class EntityRows<Entity extends ObjectLiteral> {
  /** `SELECT <columns> FROM <table>`, to be followed by the statement's own clauses. */
  readonly select: string;
  /** A row of `select` as the entity. */
  readonly fromRow: (row: Row) => Entity;
  private readonly columnList: string;
  private readonly table: string;
  private readonly primaryKey: string;
  private readonly insertInto: string;
  private readonly insertColumns: readonly ColumnMetadata[];
  private readonly byProperty: ReadonlyMap<string, ColumnMetadata>;
  private readonly driver: Driver;

  /**
   * @param alsoSelect columns the entity does not select by default (`select: false`) that these
   * rows carry, such as an encrypted secret.
   */
  constructor(
    dataSource: DataSource,
    target: EntityTarget<Entity>,
    alsoSelect: readonly (keyof Entity & string)[] = [],
  ) {
    const metadata = dataSource.getMetadata(target);
    const { driver } = dataSource;
    const columns = metadata.columns.filter(
      (column) =>
        column.isSelect || alsoSelect.includes(column.propertyName as keyof Entity & string),
    );
    const names = columns.map((column) => driver.escape(column.databaseName));
    const table = driver.escape(metadata.tableName);
    this.table = table;
    this.primaryKey = driver.escape(metadata.primaryColumns[0].databaseName);
    this.byProperty = new Map(metadata.columns.map((column) => [column.propertyName, column]));
    this.columnList = names.join(', ');
    this.select = `SELECT ${this.columnList} FROM ${table}`;
    this.fromRow = compileHydration<Entity>(driver, columns);
    this.driver = driver;
    this.insertColumns = metadata.columns.filter((column) => !column.isGenerated);
    const inserted = this.insertColumns.map((column) => driver.escape(column.databaseName));
    this.insertInto = `INSERT INTO ${table} (${inserted.join(', ')}) VALUES `;
  }

  /** `select` with one more expression after the entity's columns, such as a scalar subquery. */
  selectAlso(expression: string): string {
    return `SELECT ${this.columnList}, ${expression} FROM ${this.table}`;
  }

  /** One INSERT of all `entities` (every column but the generated ones), and its parameters. */
  insert(entities: readonly Partial<Entity>[]): [sql: string, parameters: unknown[]] {
    const placeholders = `(${this.insertColumns.map(() => '?').join(', ')})`;
    const parameters = entities.flatMap((entity) =>
      this.insertColumns.map((column): unknown =>
        this.driver.preparePersistentValue(entity[column.propertyName as keyof Entity], column),
      ),
    );
    return [this.insertInto + entities.map(() => placeholders).join(', '), parameters];
  }

  /** Inserts one row and answers the id the database generated for it. */
  async insertOne(manager: EntityManager, entity: Partial<Entity>): Promise<number> {
    // mysql2 answers a ResultSetHeader; TypeORM's SQLite driver the last inserted row id.
    const result = await transactionStatement<{ insertId: number } | number>(
      manager,
      ...this.insert([entity]),
    );
    return Number(typeof result === 'object' ? result.insertId : result);
  }

  /** One UPDATE of the given properties of the row whose primary key is `id`. */
  updateById(id: number, changes: Partial<Entity>): [sql: string, parameters: unknown[]] {
    const columns = Object.keys(changes).map((property) => {
      const column = this.byProperty.get(property);
      if (column === undefined) throw new Error(`${property} is not a column of ${this.table}`);
      return column;
    });
    const assignments = columns.map((column) => `${this.driver.escape(column.databaseName)} = ?`);
    const parameters = columns.map((column): unknown =>
      this.driver.preparePersistentValue(changes[column.propertyName as keyof Entity], column),
    );
    const sql = `UPDATE ${this.table} SET ${assignments.join(', ')} WHERE ${this.primaryKey} = ?`;
    return [sql, [...parameters, id]];
  }
}

/**
 * The row mapping as one object literal of the entity's properties, compiled once: a loop adding
 * the properties one by one made objects of no fixed shape, and cost five times as much in the
 * list's profile. The names are the entity's own, quoted as JSON string literals.
 */
function compileHydration<Entity>(
  driver: Driver,
  columns: readonly ColumnMetadata[],
): (row: Row) => Entity {
  const properties = columns.map((column, index) => {
    const property = JSON.stringify(column.propertyName);
    return `${property}: hydrate(row[${JSON.stringify(column.databaseName)}], columns[${index}])`;
  });
  const hydrate = (value: unknown, column: ColumnMetadata): unknown =>
    driver.prepareHydratedValue(value, column);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source built from metadata above
  const compile = new Function(
    'hydrate',
    'columns',
    `return (row) => ({ ${properties.join(', ')} });`,
  );
  return (compile as (h: typeof hydrate, c: typeof columns) => (row: Row) => Entity)(
    hydrate,
    columns,
  );
}
