import { ApiSchema } from '@nestjs/swagger';
import { NameField, UrlField } from './image-registry-fields';
import { ImageRegistrySettingsDto } from './image-registry-settings.dto';

@ApiSchema({ name: 'CreateImageRegistryRequest' })
export class CreateImageRegistryDto extends ImageRegistrySettingsDto {
  @NameField({ required: true })
  name!: string;

  @UrlField({ required: true })
  url!: string;
}
