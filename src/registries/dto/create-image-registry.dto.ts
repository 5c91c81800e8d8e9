import {
  DefaultField,
  DescriptionField,
  InsecureField,
  NameField,
  PasswordField,
  UrlField,
  UsernameField,
} from './image-registry-fields';

export class CreateImageRegistryDto {
  @NameField({ required: true })
  name!: string;

  @UrlField({ required: true })
  url!: string;

  @UsernameField()
  username?: string | null;

  @PasswordField()
  password?: string | null;

  @DefaultField()
  default?: boolean;

  @DescriptionField()
  description?: string;

  @InsecureField()
  insecure?: boolean;
}
