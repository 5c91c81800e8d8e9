import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The number of registries, kept in one row that every insert and delete updates in its own
 * transaction: the list's X-Total-Count reads it by primary key instead of counting the table,
 * which on InnoDB costs time in proportion to the rows.
 */
export class CreateImageRegistryCount1764500000000 implements MigrationInterface {
  name = 'CreateImageRegistryCount1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const engine = queryRunner.connection.options.type === 'mysql' ? ' ENGINE=InnoDB' : '';
    await queryRunner.query(
      `CREATE TABLE image_registry_count (id integer NOT NULL PRIMARY KEY, total integer NOT NULL)${engine}`,
    );
    await queryRunner.query(
      'INSERT INTO image_registry_count (id, total) SELECT 1, COUNT(*) FROM image_registries',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE image_registry_count');
  }
}
