import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A private CA to trust when connecting to the registry: up to 64 KiB of PEM (MEDIUMTEXT). */
export class AddCaCertificate1764400000000 implements MigrationInterface {
  name = 'AddCaCertificate1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type === 'mysql' ? 'mediumtext' : 'text';
    await queryRunner.query(`ALTER TABLE image_registries ADD COLUMN ca_certificate ${type} NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE image_registries DROP COLUMN ca_certificate');
  }
}
