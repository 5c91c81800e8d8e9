import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDatabaseConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The data source of the TypeORM CLI (`npm run migration:run`), configured from DATABASE_URL. */
export default new DataSource(dataSourceOptions(loadDatabaseConfig(process.env)));
