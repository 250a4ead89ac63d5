import { AppError, type ErrorKind } from '../core/errors.ts';

/** The stable codes of {@link RequestError}, with the status family each maps to. */
export const REQUEST_ERROR_CODES = {
  'requests.invalid_kind': 'validation',
  'requests.invalid_input': 'validation',
  'requests.not_found': 'not_found',
  'requests.unverified': 'conflict',
  'requests.closed': 'conflict',
  'requests.already_extended': 'conflict',
  'requests.reason_required': 'validation',
  'requests.how_required': 'validation',
  'requests.no_member': 'conflict',
  'requests.not_executable': 'conflict',
  'requests.link_invalid': 'not_found',
} as const satisfies Record<string, ErrorKind>;
/** One of {@link REQUEST_ERROR_CODES}. */
export type RequestErrorCode = keyof typeof REQUEST_ERROR_CODES;

/** An error of the request ledger, with a stable code (never a personal value in the message). */
export class RequestError extends AppError {
  declare readonly code: RequestErrorCode;
  constructor(code: RequestErrorCode, message: string) {
    super(REQUEST_ERROR_CODES[code], code, message);
    this.name = 'RequestError';
  }
}
