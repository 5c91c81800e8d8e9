/** The OpenAPI tags operations are grouped by, which generators turn into client classes. */
export const REGISTRIES_TAG = 'image-registries';
export const HEALTH_TAG = 'health';
