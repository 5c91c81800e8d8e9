import { CreateImageRegistries1764300000000 } from './1764300000000-create-image-registries';

export const MIGRATIONS = [CreateImageRegistries1764300000000];
