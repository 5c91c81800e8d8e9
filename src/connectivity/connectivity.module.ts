import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RegistriesModule } from '../registries/registries.module';
import { ConnectionTester } from './connection-tester';
import { ConnectivityController } from './connectivity.controller';
import { ConnectivityService } from './connectivity.service';
import { OutboundHttp } from './outbound-http';
import { RegistryClient } from './registry-client';

@Module({
  imports: [RegistriesModule, AuditModule],
  controllers: [ConnectivityController],
  providers: [ConnectivityService, ConnectionTester, RegistryClient, OutboundHttp],
})
export class ConnectivityModule {}
