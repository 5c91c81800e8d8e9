import { Injectable } from '@nestjs/common';
import type { Page } from '../common/page-responses';
import { AuditEventsRepository, type EventFilters } from './audit-events.repository';
import {
  type ImageRegistryEventResponseDto,
  toImageRegistryEventResponse,
} from './dto/image-registry-event-response.dto';

@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventsRepository) {}

  async list(
    filters: EventFilters,
    pageNum: number,
    pageSize: number,
  ): Promise<Page<ImageRegistryEventResponseDto>> {
    const offset = Math.min((pageNum - 1) * pageSize, Number.MAX_SAFE_INTEGER);
    const [events, total] = await this.events.findPage(filters, offset, pageSize);
    return { items: events.map(toImageRegistryEventResponse), total };
  }
}
