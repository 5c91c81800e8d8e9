import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RegistriesModule } from '../registries/registries.module';
import { ConnectionTester } from './connection-tester';
import { ConnectivityController } from './connectivity.controller';
import { ConnectivityService } from './connectivity.service';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';
import { OutboundHttp } from './outbound-http';
import { RegistryClient } from './registry-client';

@Module({
  imports: [RegistriesModule, AuditModule],
  controllers: [ConnectivityController, CredentialsController],
  providers: [
    ConnectivityService,
    CredentialsService,
    ConnectionTester,
    RegistryClient,
    OutboundHttp,
  ],
})
export class ConnectivityModule {}
