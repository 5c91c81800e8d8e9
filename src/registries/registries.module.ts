import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NativeReads } from '../database/native-reads';
import { TransactionRunner } from '../database/transaction-runner';
import { ImageRegistriesController } from './image-registries.controller';
import { ImageRegistriesRepository } from './image-registries.repository';
import { ImageRegistriesService } from './image-registries.service';
import { ImageRegistry } from './image-registry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ImageRegistry])],
  controllers: [ImageRegistriesController],
  providers: [ImageRegistriesService, ImageRegistriesRepository, TransactionRunner, NativeReads],
  exports: [ImageRegistriesRepository],
})
export class RegistriesModule {}
