import {
  CaCertificateField,
  DefaultField,
  DescriptionField,
  InsecureField,
  PasswordField,
  UsernameField,
} from './image-registry-fields';

/** The optional fields of a registry, the same on create and on update. */
export abstract class ImageRegistrySettingsDto {
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

  @CaCertificateField()
  ca_certificate?: string | null;
}
