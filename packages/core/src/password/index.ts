export {
  checkPassword,
  personalParts,
  PASSWORD_MAX_CODE_POINTS,
  PASSWORD_MIN_CODE_POINTS,
  type PasswordContext,
  type PasswordProblem,
  type PasswordProblemReason,
  type PasswordVerdict,
} from './policy.js';
export {
  checkPasswordBreach,
  refuseBreachedPassword,
  validateBreachCheckOptions,
  BREACH_PREFIX_LENGTH,
  DEFAULT_BREACH_ENDPOINT,
  DEFAULT_BREACH_TIMEOUT_MS,
  type BreachCheckOptions,
  type BreachCheckResult,
  type BreachStatus,
  type BreachUnavailablePolicy,
} from './breach-check.js';
