import { CreateImageRegistries1764300000000 } from './1764300000000-create-image-registries';
import { AddCaCertificate1764400000000 } from './1764400000000-add-ca-certificate';
import { CreateImageRegistryCount1764500000000 } from './1764500000000-create-image-registry-count';
import { AddRegistryVersion1764600000000 } from './1764600000000-add-registry-version';
import { CreateImageRegistryEvents1764700000000 } from './1764700000000-create-image-registry-events';

export const MIGRATIONS = [
  CreateImageRegistries1764300000000,
  AddCaCertificate1764400000000,
  CreateImageRegistryCount1764500000000,
  AddRegistryVersion1764600000000,
  CreateImageRegistryEvents1764700000000,
];
