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
