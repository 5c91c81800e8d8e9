import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ImageRegistriesController } from './image-registries.controller';
import { ImageRegistriesRepository } from './image-registries.repository';
import { ImageRegistriesService } from './image-registries.service';
import { ImageRegistry } from './image-registry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ImageRegistry]), AuditModule],
  controllers: [ImageRegistriesController],
  providers: [ImageRegistriesService, ImageRegistriesRepository],
  exports: [ImageRegistriesRepository],
})
export class RegistriesModule {}
