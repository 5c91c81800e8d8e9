import { STATUS_CODES } from 'node:http';

/** Every error answer's body (CONTRACT §2): exactly these three keys. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

export function errorBody(status: number, message: string | string[]): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}
