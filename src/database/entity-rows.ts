import type { DataSource, Driver, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

type Row = Record<string, unknown>;

/**
 * One entity's columns and row mapping, for the SQL written by hand (the fast reads, the row an
 * update locks): both come from the entity's own TypeORM metadata, hydrated with the driver's
 * conversions and each column's transformer, decryption included. A column added to the entity is
 * therefore read by every path, and read the same way as TypeORM reads it.
 */
export class EntityRows<Entity extends ObjectLiteral> {
  /** `SELECT <columns> FROM <table>`, to be followed by the statement's own clauses. */
  readonly select: string;
  /** A row of `select` as the entity. */
  readonly fromRow: (row: Row) => Entity;

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
    this.select = `SELECT ${names.join(', ')} FROM ${driver.escape(metadata.tableName)}`;
    this.fromRow = compileHydration<Entity>(driver, columns);
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
