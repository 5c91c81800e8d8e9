import {
  DefaultField,
  DescriptionField,
  InsecureField,
  NameField,
  PasswordField,
  UrlField,
  UsernameField,
} from './image-registry-fields';

/** Partial update: an omitted field keeps its value. */
export class UpdateImageRegistryDto {
  @NameField({ required: false })
  name?: string;

  @UrlField({ required: false })
  url?: string;

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
