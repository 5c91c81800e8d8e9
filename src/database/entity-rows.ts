import type { DataSource, Driver, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * One entity's columns and row mapping, for the SQL written by hand (the fast reads, the row an
 * update locks): both come from the entity's own TypeORM metadata, hydrated with the driver's
 * conversions and each column's transformer, decryption included. A column added to the entity is
 * therefore read by every path, and read the same way as TypeORM reads it.
 */
export class EntityRows<Entity extends ObjectLiteral> {
  /** `SELECT <columns> FROM <table>`, to be followed by the statement's own clauses. */
  readonly select: string;
  private readonly columns: readonly ColumnMetadata[];
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
    this.driver = dataSource.driver;
    this.columns = metadata.columns.filter(
      (column) =>
        column.isSelect || alsoSelect.includes(column.propertyName as keyof Entity & string),
    );
    const names = this.columns.map((column) => this.driver.escape(column.databaseName));
    this.select = `SELECT ${names.join(', ')} FROM ${this.driver.escape(metadata.tableName)}`;
  }

  fromRow(row: Record<string, unknown>): Entity {
    const entity: Record<string, unknown> = {};
    for (const column of this.columns) {
      entity[column.propertyName] = this.driver.prepareHydratedValue(
        row[column.databaseName],
        column,
      );
    }
    return entity as Entity;
  }
}
