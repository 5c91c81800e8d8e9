import { Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';

/** The audit trail of registry changes and credentials reads. */
@Module({
  providers: [AuditEventsRepository],
  exports: [AuditEventsRepository],
})
export class AuditModule {}
