import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContextStore {
  requestId: string;
  /** Language of error messages, from Accept-Language. */
  language?: 'en' | 'zh';
}

export const requestContext = new AsyncLocalStorage<RequestContextStore>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
