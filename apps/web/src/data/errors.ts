// The one place the api's typed errors become what the user reads: `extensions.code` picks the wording
// when the api's own (already localized) message is not meant for people; `extensions.fields` lands on
// the form fields the paths name.
import type { FormInstance } from 'antd';
import type { CombinedError } from 'urql';
import { translate, type MessageKey } from '../i18n';

export interface FieldProblem {
  /** The form path, e.g. ['investor', 'uscc'] for `input.investor.uscc`. */
  name: (string | number)[];
  message: string;
}

export interface ApiProblem {
  code: string;
  message: string;
  fields: FieldProblem[];
}

const CODE_MESSAGES: Record<string, MessageKey> = {
  UNAUTHENTICATED: 'sessionExpired',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'notFoundError',
  CONFLICT: 'conflictError',
  RATE_LIMITED: 'rateLimited',
  SERVICE_UNAVAILABLE: 'unavailable',
  INTERNAL_SERVER_ERROR: 'internalError',
  BAD_USER_INPUT: 'badInput',
};

// Codes whose api message says something specific and readable (already in the caller's language).
const SPECIFIC_MESSAGES = new Set(['FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'BAD_USER_INPUT', 'UNAUTHENTICATED']);

/** `input.investor.uscc` → ['investor', 'uscc']; `input.contacts.0.phone` → ['contacts', 0, 'phone']. */
export function formPath(path: string): (string | number)[] {
  const parts = path.split('.').filter((p) => p !== '');
  const rest = parts[0] === 'input' || parts[0] === 'variables' ? parts.slice(1) : parts;
  return rest.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function apiProblem(error: CombinedError): ApiProblem {
  if (error.networkError && error.graphQLErrors.length === 0) {
    return { code: 'NETWORK', message: translate('networkError'), fields: [] };
  }
  const first = error.graphQLErrors[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const rawFields = Array.isArray(first?.extensions?.fields) ? (first.extensions.fields as { path?: unknown; message?: unknown }[]) : [];
  const fields = rawFields
    .filter((f) => typeof f.path === 'string' && typeof f.message === 'string')
    .map((f) => ({ name: formPath(f.path as string), message: f.message as string }));
  const key = CODE_MESSAGES[code] ?? 'internalError';
  const message = SPECIFIC_MESSAGES.has(code) && first?.message && fields.length === 0 ? first.message : translate(key);
  return { code, message, fields };
}

/**
 * Puts field errors on the form's fields; returns the problem so the caller can show the rest
 * (fields the form does not have end up in the message).
 */
export function applyToForm(form: FormInstance, error: CombinedError, knownFields?: (string | number)[][]): ApiProblem {
  const problem = apiProblem(error);
  const known = (name: (string | number)[]) => !knownFields || knownFields.some((k) => k.join('.') === name.join('.'));
  const onForm = problem.fields.filter((f) => known(f.name));
  const elsewhere = problem.fields.filter((f) => !known(f.name));
  form.setFields(onForm.map((f) => ({ name: f.name, errors: [f.message] })));
  if (elsewhere.length > 0) {
    return { ...problem, message: `${problem.message} ${elsewhere.map((f) => `${f.name.join('.')}: ${f.message}`).join('；')}` };
  }
  return problem;
}
