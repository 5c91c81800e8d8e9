import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per change of a registry and per credentials read, kept when the
 * registry is deleted (no foreign key). Indexed for the list's filters, each ordered by id as the
 * list is, and for retention by `at`.
 */
export class CreateImageRegistryEvents1764700000000 implements MigrationInterface {
  name = 'CreateImageRegistryEvents1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(`
        CREATE TABLE \`image_registry_events\` (
          \`id\` bigint NOT NULL AUTO_INCREMENT,
          \`at\` bigint NOT NULL,
          \`action\` varchar(20) NOT NULL,
          \`registry_id\` int NOT NULL,
          \`registry_name\` varchar(100) NOT NULL,
          \`registry_url\` varchar(512) NOT NULL,
          \`actor\` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
          \`changes\` varchar(255) NOT NULL,
          \`request_id\` varchar(128) NOT NULL,
          PRIMARY KEY (\`id\`),
          KEY \`IDX_image_registry_events_registry\` (\`registry_id\`, \`id\`),
          KEY \`IDX_image_registry_events_action\` (\`action\`, \`id\`),
          KEY \`IDX_image_registry_events_actor\` (\`actor\`, \`id\`),
          KEY \`IDX_image_registry_events_at\` (\`at\`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      return;
    }
    await queryRunner.query(`
      CREATE TABLE "image_registry_events" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "at" bigint NOT NULL,
        "action" varchar(20) NOT NULL,
        "registry_id" integer NOT NULL,
        "registry_name" varchar(100) NOT NULL,
        "registry_url" varchar(512) NOT NULL,
        "actor" varchar(255),
        "changes" varchar(255) NOT NULL,
        "request_id" varchar(128) NOT NULL
      )`);
    for (const [name, columns] of [
      ['registry', '"registry_id", "id"'],
      ['action', '"action", "id"'],
      ['actor', '"actor", "id"'],
      ['at', '"at"'],
    ]) {
      await queryRunner.query(
        `CREATE INDEX "IDX_image_registry_events_${name}" ON "image_registry_events" (${columns})`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE image_registry_events');
  }
}
