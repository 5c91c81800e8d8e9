import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  BatchedKeyLookups,
  type KeyLookups,
  type RunStatement,
  SingleKeyLookups,
} from './key-lookups';
import { queryDeadlineMs, withDeadline } from './query-deadline';

type Parameter = string | number;

interface MysqlConnection {
  execute(
    sql: string,
    values: Parameter[],
    callback: (error: Error | null, rows: unknown) => void,
  ): void;
  release(): void;
  destroy(): void;
}

interface MysqlPool {
  getConnection(callback: (error: Error | null, connection: MysqlConnection) => void): void;
}

interface SqliteDatabase {
  prepare(sql: string): { all(...values: Parameter[]): unknown[] };
}

/**
 * Read-only statements run as the driver's own prepared statements, bypassing TypeORM's query
 * building and its text-protocol queries: the list and get-by-id paths, where that layer cost
 * more than the database itself. Writes keep going through TypeORM and its transactions.
 * On MySQL the same 10 s deadline applies as to every other query.
 */
@Injectable()
export class NativeReads {
  private readonly sqliteStatements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  constructor(private readonly dataSource: DataSource) {}

  rows<T>(sql: string, values: Parameter[]): Promise<T[]> {
    const driver = this.dataSource.driver as unknown as {
      pool?: MysqlPool;
      databaseConnection?: SqliteDatabase;
    };
    if (driver.pool !== undefined) return mysqlRows<T>(driver.pool, sql, values);
    return Promise.resolve(this.sqliteRows<T>(driver.databaseConnection!, sql, values));
  }

  /**
   * Single rows of `select` by a unique integer `column`. On MySQL, the look-ups of one turn of
   * the event loop share a statement; SQLite, read synchronously in process, gains nothing by it.
   */
  byKey(select: string, column: string): KeyLookups {
    const run: RunStatement = (sql, values) => this.rows(sql, values);
    return this.dataSource.options.type === 'mysql'
      ? new BatchedKeyLookups(select, column, run)
      : new SingleKeyLookups(select, column, run);
  }

  private sqliteRows<T>(database: SqliteDatabase, sql: string, values: Parameter[]): T[] {
    let statement = this.sqliteStatements.get(sql);
    if (statement === undefined) {
      statement = database.prepare(sql);
      this.sqliteStatements.set(sql, statement);
    }
    return statement.all(...values) as T[];
  }
}

function mysqlRows<T>(pool: MysqlPool, sql: string, values: Parameter[]): Promise<T[]> {
  let acquired: MysqlConnection | undefined;
  let missed = false;
  const work = new Promise<T[]>((resolve, reject) => {
    pool.getConnection((error, connection) => {
      if (error !== null) return reject(error);
      // A connection the pool hands over after the deadline is as suspect as the one that missed it.
      if (missed) return connection.destroy();
      acquired = connection;
      // Values go as strings: MySQL's prepared LIMIT and OFFSET take no other type from mysql2.
      connection.execute(sql, values.map(String), (queryError, rows) => {
        if (!missed) connection.release();
        if (queryError !== null) reject(queryError);
        else resolve(rows as T[]);
      });
    });
  });
  return withDeadline(work, queryDeadlineMs(), () => {
    missed = true;
    acquired?.destroy();
  });
}
