import { BbError, type ErrorCode } from '@bilateral-base/core/errors';
import type { FastifyReply } from 'fastify';
import type * as z from 'zod/mini';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** An error the API answers with `status` and an ErrorResponse body. */
export class HttpError extends BbError {
  readonly status: number;
  readonly issues: readonly FieldIssue[] | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    issues?: readonly FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.status = status;
    this.issues = issues;
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  issues?: readonly FieldIssue[],
): FastifyReply {
  const error = issues === undefined ? { code, message } : { code, message, issues };
  return reply.code(status).header('cache-control', 'no-store').send({ error });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') {
    return `must be ${issue.message}`;
  }
  switch (issue.code) {
    case 'invalid_type':
      return `must be of type ${issue.expected}`;
    case 'unrecognized_keys':
      return `has unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'does not match any accepted shape';
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return 'is not valid';
  }
}

/** Parses a request body with a shared protocol schema; 400 with field issues otherwise. */
export function parseBody<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: describeIssue(issue),
  }));
  throw new HttpError(
    400,
    'BB_ERR_BAD_REQUEST',
    'The request body does not match its schema',
    issues,
  );
}
