import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registries table. Its unique keys carry the invariants so that they hold across instances:
 * `name_key` (the lower-cased name) and `url` use binary collation on MySQL, so uniqueness does
 * not depend on the database's default collation; `is_default` is 1 or NULL, and a unique key on
 * it allows one default at most (NULLs never collide).
 */
export class CreateImageRegistries1764300000000 implements MigrationInterface {
  name = 'CreateImageRegistries1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(`
        CREATE TABLE \`image_registries\` (
          \`id\` int NOT NULL AUTO_INCREMENT,
          \`name\` varchar(100) NOT NULL,
          \`name_key\` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          \`url\` varchar(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          \`username\` varchar(255) NULL,
          \`password\` text NULL,
          \`is_default\` tinyint NULL,
          \`description\` varchar(500) NOT NULL DEFAULT '',
          \`insecure\` tinyint NOT NULL DEFAULT 0,
          \`created_at\` bigint NOT NULL,
          \`updated_at\` bigint NOT NULL,
          PRIMARY KEY (\`id\`),
          UNIQUE KEY \`UQ_image_registries_name_key\` (\`name_key\`),
          UNIQUE KEY \`UQ_image_registries_url\` (\`url\`),
          UNIQUE KEY \`UQ_image_registries_default\` (\`is_default\`),
          CONSTRAINT \`CHK_image_registries_default\` CHECK (\`is_default\` = 1)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      return;
    }
    await queryRunner.query(`
      CREATE TABLE "image_registries" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "name" varchar(100) NOT NULL,
        "name_key" varchar(200) NOT NULL,
        "url" varchar(512) NOT NULL,
        "username" varchar(255),
        "password" text,
        "is_default" boolean CHECK ("is_default" = 1),
        "description" varchar(500) NOT NULL DEFAULT (''),
        "insecure" boolean NOT NULL DEFAULT (0),
        "created_at" bigint NOT NULL,
        "updated_at" bigint NOT NULL,
        CONSTRAINT "UQ_image_registries_name_key" UNIQUE ("name_key"),
        CONSTRAINT "UQ_image_registries_url" UNIQUE ("url"),
        CONSTRAINT "UQ_image_registries_default" UNIQUE ("is_default")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE image_registries');
  }
}
