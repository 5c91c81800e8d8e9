import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The version behind each registry's ETag: existing registries start at 1. */
export class AddRegistryVersion1764600000000 implements MigrationInterface {
  name = 'AddRegistryVersion1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE image_registries ADD COLUMN version INT NOT NULL DEFAULT 1',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE image_registries DROP COLUMN version');
  }
}
