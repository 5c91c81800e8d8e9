import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { encryptionKeyHolder } from './encrypted-column.transformer';
import { verifyStoredPasswordsDecrypt } from './stored-keys.check';

/** Installs the key ring for the encrypted column and checks it against the stored data. */
@Module({})
export class CryptoModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    encryptionKeyHolder.use(this.config.keyRing);
    await verifyStoredPasswordsDecrypt(this.dataSource, this.config.keyRing);
  }
}
