import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireScopes } from '../auth/auth.decorators';
import { Scope } from '../auth/scopes';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateImageRegistryDto } from './dto/create-image-registry.dto';
import { ImageRegistryResponseDto } from './dto/image-registry-response.dto';
import { ListImageRegistriesQueryDto } from './dto/list-image-registries-query.dto';
import { UpdateImageRegistryDto } from './dto/update-image-registry.dto';
import { ImageRegistriesService } from './image-registries.service';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

@ApiTags('image-registries')
@Controller('api/v1/image-registries')
export class ImageRegistriesController {
  constructor(private readonly registries: ImageRegistriesService) {}

  @Post()
  @RequireScopes(Scope.Write)
  @ApiOperation({ summary: 'Create an image registry' })
  @ApiResponse({ status: 201, type: ImageRegistryResponseDto })
  createImageRegistry(@Body() body: CreateImageRegistryDto): Promise<ImageRegistryResponseDto> {
    return this.registries.create(body);
  }

  @Get()
  @RequireScopes(Scope.Read)
  @ApiOperation({ summary: 'List image registries, ordered by id' })
  @ApiResponse({ status: 200, type: [ImageRegistryResponseDto] })
  async listImageRegistries(
    @Query() query: ListImageRegistriesQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImageRegistryResponseDto[]> {
    const page = await this.registries.list(query.pageNum, query.pageSize);
    response.setHeader(TOTAL_COUNT_HEADER, page.total);
    return page.items;
  }

  @Get('default')
  @RequireScopes(Scope.Read)
  @ApiOperation({ summary: 'Get the default image registry' })
  @ApiResponse({ status: 200, type: ImageRegistryResponseDto })
  getDefaultImageRegistry(): Promise<ImageRegistryResponseDto> {
    return this.registries.getDefault();
  }

  @Get(':id')
  @RequireScopes(Scope.Read)
  @ApiOperation({ summary: 'Get an image registry' })
  @ApiResponse({ status: 200, type: ImageRegistryResponseDto })
  getImageRegistry(@Param('id', ParseIdPipe) id: number): Promise<ImageRegistryResponseDto> {
    return this.registries.get(id);
  }

  @Put(':id')
  @RequireScopes(Scope.Write)
  @ApiOperation({ summary: 'Update an image registry (partial)' })
  @ApiResponse({ status: 200, type: ImageRegistryResponseDto })
  updateImageRegistry(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateImageRegistryDto,
  ): Promise<ImageRegistryResponseDto> {
    return this.registries.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(Scope.Write)
  @ApiOperation({ summary: 'Delete an image registry' })
  @ApiResponse({ status: 200, description: 'Deleted; empty body.' })
  deleteImageRegistry(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.registries.remove(id);
  }
}
