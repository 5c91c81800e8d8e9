import { Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditRetention } from './audit-retention';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The audit trail of registry changes and credentials reads. */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditEventsRepository, AuditRetention],
  exports: [AuditEventsRepository],
})
export class AuditModule {}
