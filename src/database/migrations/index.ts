import { CreateImageRegistries1764300000000 } from './1764300000000-create-image-registries';
import { AddCaCertificate1764400000000 } from './1764400000000-add-ca-certificate';

export const MIGRATIONS = [CreateImageRegistries1764300000000, AddCaCertificate1764400000000];
