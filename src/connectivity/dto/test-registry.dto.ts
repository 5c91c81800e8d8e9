import { ApiSchema } from '@nestjs/swagger';
import {
  CaCertificateField,
  InsecureField,
  PasswordField,
  UrlField,
  UsernameField,
} from '../../registries/dto/image-registry-fields';

@ApiSchema({
  name: 'TestRegistryRequest',
  description: 'A registry not yet saved, as the console holds it before "Save".',
})
export class TestRegistryDto {
  @UrlField({ required: true })
  url!: string;

  @UsernameField()
  username?: string | null;

  @PasswordField()
  password?: string | null;

  @InsecureField()
  insecure?: boolean;

  @CaCertificateField()
  ca_certificate?: string | null;
}

/** The body of a saved registry's test: nothing may be overridden, so nothing may be sent. */
@ApiSchema({ name: 'EmptyRequest', description: 'No field is accepted.' })
export class EmptyBodyDto {}
