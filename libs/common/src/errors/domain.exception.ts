import { IntrinsicException } from '@nestjs/common';
import { ErrorCode } from './error-code';

export interface FieldError {
  /** Dotted path of the offending input field, e.g. `input.investor.uscc`. */
  path: string;
  message: string;
}

/**
 * Base of every error the domain raises on purpose; anything else is an internal error.
 * Extends Nest's IntrinsicException so Nest does not log each refused request as a server error.
 */
export class DomainException extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export class UnauthenticatedException extends DomainException {
  constructor(message = 'Authentication required') {
    super(ErrorCode.Unauthenticated, message);
  }
}

export class AccessDeniedException extends DomainException {
  constructor(message = 'Not allowed') {
    super(ErrorCode.Forbidden, message);
  }
}

export class EntityNotFoundException extends DomainException {
  constructor(what: string) {
    super(ErrorCode.NotFound, `${what} not found`);
  }
}

export class ValidationException extends DomainException {
  constructor(fields: FieldError[], message?: string) {
    super(ErrorCode.BadUserInput, message ?? fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
  }

  static field(path: string, message: string): ValidationException {
    return new ValidationException([{ path, message }]);
  }
}

export class StateConflictException extends DomainException {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.Conflict, message, [], details);
  }
}

export class RateLimitedException extends DomainException {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, message, [], { retryAfterSeconds });
  }
}

/** A dependency the operation needs (e.g. Redis for logins and API keys) is down; retrying later may work. */
export class ServiceUnavailableException extends DomainException {
  constructor(message = 'Service temporarily unavailable; try again shortly') {
    super(ErrorCode.ServiceUnavailable, message);
  }
}

/** Collects field errors so a caller sees every problem of an input at once. */
export class FieldErrors {
  private readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationException([...this.errors]);
  }
}
