import { ApiSchema } from '@nestjs/swagger';
import { NameField, UrlField } from './image-registry-fields';
import { ImageRegistrySettingsDto } from './image-registry-settings.dto';

@ApiSchema({
  name: 'UpdateImageRegistryRequest',
  description: 'Partial update: an omitted field keeps its value.',
})
export class UpdateImageRegistryDto extends ImageRegistrySettingsDto {
  @NameField({ required: false })
  name?: string;

  @UrlField({ required: false })
  url?: string;
}
