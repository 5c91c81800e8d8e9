import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RegistriesModule } from '../registries/registries.module';
import { BrowseController } from './browse.controller';
import { ConnectionTester } from './connection-tester';
import { ConnectivityController } from './connectivity.controller';
import { ConnectivityService } from './connectivity.service';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';
import { OutboundHttp } from './outbound-http';
import { RegistryBrowser } from './registry-browser';
import { RegistryClient } from './registry-client';

@Module({
  imports: [RegistriesModule, AuditModule],
  controllers: [ConnectivityController, CredentialsController, BrowseController],
  providers: [
    ConnectivityService,
    CredentialsService,
    RegistryBrowser,
    ConnectionTester,
    RegistryClient,
    OutboundHttp,
  ],
})
export class ConnectivityModule {}
