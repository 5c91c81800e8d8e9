import type { EntityManager } from 'typeorm';
import { queryDeadlineMs, withDeadline } from './query-deadline';

interface MysqlConnection {
  query(
    sql: string,
    values: unknown[],
    callback: (error: Error | null, result: unknown) => void,
  ): void;
  destroy(): void;
}

/**
 * Runs one hand-written statement in the transaction of `manager` and gives the driver's result:
 * the rows, or the header of a write (`insertId`, `affectedRows`), as `manager.query` does.
 *
 * On MySQL the statement goes to mysql2 on the transaction's own connection, as TypeORM sends it
 * (the text protocol, values escaped by mysql2), but around TypeORM's query path: a promise
 * wrapper made for every query, a logger call and subscriber broadcasts for each, awaited in turn,
 * that cost an update more CPU than the statements themselves. A failure is reported through the
 * data source's logger, as TypeORM reports its own. The query deadline applies as to every other
 * query; a statement that misses it destroys the connection, which fails the transaction. Outside
 * a MySQL transaction, the statement goes through TypeORM.
 */
export function transactionStatement<T>(
  manager: EntityManager,
  sql: string,
  values: unknown[],
): Promise<T> {
  const runner = manager.queryRunner as
    { isTransactionActive: boolean; databaseConnection?: MysqlConnection } | undefined;
  const connection = runner?.isTransactionActive ? runner.databaseConnection : undefined;
  if (manager.connection.options.type !== 'mysql' || connection === undefined) {
    return manager.query<T>(sql, values);
  }
  const work = new Promise<T>((resolve, reject) => {
    connection.query(sql, values, (error, result) => {
      if (error === null) resolve(result as T);
      else reject(error);
    });
  });
  // Reported as TypeORM reports its own failed queries, through the data source's logger, in the
  // request's context (the driver's callback runs in the connection's).
  const reported = work.catch((error: Error) => {
    manager.connection.logger.logQueryError(error, sql, values, manager.queryRunner);
    throw error;
  });
  return withDeadline(reported, queryDeadlineMs(), () => connection.destroy());
}
