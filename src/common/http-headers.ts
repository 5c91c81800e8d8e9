/** Response headers a browser caller reads, and the request headers it may send (CONTRACT §5, §11). */
export const TOTAL_COUNT_HEADER = 'X-Total-Count';
export const ETAG_HEADER = 'ETag';
export const REQUEST_ID_HEADER = 'X-Request-Id';
