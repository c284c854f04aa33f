import type * as PasswordPolicy from '@bilateral-base/core/password';
import type { PasswordVerdict } from '@bilateral-base/core/password';
import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { createPasswordVerdictEvent } from '../events/bb-password-verdict.js';
import { bbPasswordFieldStyles } from './bb-password-field.styles.js';

type PolicyModule = typeof PasswordPolicy;

let policyLoad: Promise<PolicyModule> | undefined;

/**
 * The policy carries zxcvbn's dictionaries (hundreds of KB), so it is fetched only when a
 * field first needs it, and once per page however many fields there are.
 */
function loadPolicy(): Promise<PolicyModule> {
  policyLoad ??= import('@bilateral-base/core/password');
  return policyLoad;
}

/** `new`: a password being chosen (policy, meter, advice); `current`: one being typed to log in. */
export type PasswordFieldPurpose = 'new' | 'current';

const STRENGTH_WORDS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

/**
 * A password input for real forms, with a live strength meter and plain-words advice from
 * the SDK's password policy (NIST SP 800-63B rev 4: at least 15 characters, no
 * composition rules, nothing common, breached or built from the person's name or email).
 *
 * It is form-associated (ElementInternals, HTML "form-associated custom elements"): it
 * submits its value under its `name`, takes part in `form.checkValidity()`, blocks a
 * submit while the policy refuses the password, and resets with the form. The value is
 * never put in an attribute, never logged, and never sent in an event: read `value`.
 *
 * The policy is loaded with a dynamic import the first time the field is shown, so a page
 * pays for zxcvbn only when it has a password to choose.
 *
 * @summary Password input with live strength feedback, usable in a form.
 *
 * @slot - Nothing is slotted; the label comes from the `label` attribute.
 *
 * @event bb-password-verdict - The value was checked; detail `{ acceptable, score, reasons }`
 *   (never the password).
 *
 * @csspart base - The wrapper around everything.
 * @csspart label - The visible label.
 * @csspart input - The input itself.
 * @csspart toggle - The show or hide button.
 * @csspart meter - The strength meter (a `<meter>` from 0 to 4).
 * @csspart strength - The strength in words, announced politely to screen readers.
 * @csspart feedback - The list of problems and advice.
 *
 * @cssproperty --bb-password-field-border - Border colour of the input.
 * @cssproperty --bb-password-field-radius - Corner radius of the input and button.
 * @cssproperty --bb-password-field-focus-ring - Keyboard focus outline colour.
 * @cssproperty --bb-password-field-problem - Text colour of problems.
 * @cssproperty --bb-password-field-muted - Text colour of advice.
 */
export class BbPasswordField extends LitElement {
  static formAssociated = true;

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  static override styles = bbPasswordFieldStyles;

  static override properties: PropertyDeclarations = {
    name: { type: String, reflect: true },
    label: { type: String },
    purpose: { type: String, reflect: true },
    required: { type: Boolean, reflect: true },
    disabled: { type: Boolean, reflect: true },
    userName: { type: String, attribute: 'user-name' },
    userEmail: { type: String, attribute: 'user-email' },
    value: { attribute: false },
    visible: { state: true },
    verdict: { state: true },
    policyFailed: { state: true },
  };

  /** The form field name the value is submitted under. */
  name = '';
  /** The visible label. */
  label = 'Password';
  /** `new` (default) checks the policy; `current` only requires a value. */
  purpose: PasswordFieldPurpose = 'new';
  required = false;
  disabled = false;
  /** The person's name (attribute `user-name`): a password built from it is refused. */
  userName: string | undefined;
  /** The person's email (attribute `user-email`): a password built from it is refused. */
  userEmail: string | undefined;
  /** The password typed so far. */
  value = '';

  private visible = false;
  private verdict: PasswordVerdict | undefined;
  private policyFailed = false;
  private policy: PolicyModule | undefined;
  private hasUpdatedValidity = false;
  private readonly internals: ElementInternals;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  /** The form this field belongs to, as for a built-in input. */
  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  get validity(): ValidityState {
    return this.internals.validity;
  }

  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  get willValidate(): boolean {
    return this.internals.willValidate;
  }

  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.policy === undefined && this.purpose === 'new') {
      loadPolicy().then(
        (policy) => {
          this.policy = policy;
          this.check();
        },
        () => {
          // The server checks the same policy, so the form still works without it.
          this.policyFailed = true;
        },
      );
    }
  }

  /** Called by the form on reset (HTML form-associated custom elements). */
  formResetCallback(): void {
    this.value = '';
    this.visible = false;
  }

  formDisabledCallback(disabled: boolean): void {
    this.disabled = disabled;
  }

  protected override willUpdate(changed: PropertyValues): void {
    const watched = ['value', 'userName', 'userEmail', 'purpose', 'required'];
    if (watched.some((key) => changed.has(key))) {
      this.check();
    }
  }

  protected override updated(changed: PropertyValues): void {
    // The anchor must exist before validity can point at it, so validity is set again
    // after the first render.
    if (changed.has('value') || changed.has('verdict') || !this.hasUpdatedValidity) {
      this.hasUpdatedValidity = true;
      this.updateValidity();
    }
  }

  /** Runs the policy on the current value; cheap enough (a few ms) to run per keystroke. */
  private check(): void {
    const wasAcceptable = this.verdict?.acceptable;
    const wasScore = this.verdict?.score;
    if (this.purpose !== 'new' || this.policy === undefined || this.value === '') {
      this.verdict = undefined;
    } else {
      this.verdict = this.policy.checkPassword(this.value, {
        name: this.userName,
        email: this.userEmail,
      });
    }
    this.internals.setFormValue(this.value, '');
    if (this.verdict?.acceptable !== wasAcceptable || this.verdict?.score !== wasScore) {
      this.dispatchEvent(
        createPasswordVerdictEvent({
          acceptable: this.verdict?.acceptable ?? this.purpose === 'current',
          score: this.verdict?.score ?? 0,
          reasons: this.verdict?.problems.map((problem) => problem.reason) ?? [],
        }),
      );
    }
    this.updateValidity();
  }

  private updateValidity(): void {
    const anchor = this.renderRoot.querySelector?.('input') ?? undefined;
    if (this.required && this.value === '') {
      this.internals.setValidity({ valueMissing: true }, 'Enter a password.', anchor);
      return;
    }
    const problem = this.verdict?.problems[0];
    if (problem !== undefined) {
      this.internals.setValidity({ customError: true }, problem.message, anchor);
      return;
    }
    this.internals.setValidity({});
  }

  private onInput(event: Event): void {
    this.value = (event.target as HTMLInputElement).value;
  }

  private toggle(): void {
    this.visible = !this.visible;
  }

  private renderFeedback(): unknown {
    if (this.purpose !== 'new') {
      return nothing;
    }
    const verdict = this.verdict;
    let words = 'Use at least 15 characters: several unrelated words work well.';
    if (this.policyFailed) {
      words = 'The strength check could not be loaded; the server will still check.';
    } else if (verdict !== undefined) {
      const strength = STRENGTH_WORDS[verdict.score];
      words = verdict.acceptable
        ? `Strength: ${strength}. This password is accepted.`
        : `Strength: ${strength}. Not accepted yet.`;
    }
    const problems = verdict?.problems ?? [];
    const advice = verdict?.acceptable === false ? verdict.suggestions : [];
    return html`
      <meter
        part="meter"
        min="0"
        max="4"
        low="2"
        high="3"
        optimum="4"
        .value=${verdict?.score ?? 0}
        aria-label="Password strength"
      ></meter>
      <p id="strength" part="strength" aria-live="polite">${words}</p>
      <ul id="feedback" part="feedback">
        ${problems.map((problem) => html`<li class="problem">${problem.message}</li>`)}
        ${advice.map((text) => html`<li class="advice">${text}</li>`)}
      </ul>
    `;
  }

  protected override render(): unknown {
    const invalid = this.verdict !== undefined && !this.verdict.acceptable;
    return html`
      <div part="base" class="base">
        <label part="label" for="input">${this.label}</label>
        <div class="row">
          <input
            id="input"
            part="input"
            type=${this.visible ? 'text' : 'password'}
            .value=${live(this.value)}
            autocomplete=${this.purpose === 'new' ? 'new-password' : 'current-password'}
            autocapitalize="off"
            spellcheck="false"
            ?required=${this.required}
            ?disabled=${this.disabled}
            aria-invalid=${invalid ? 'true' : 'false'}
            aria-describedby=${this.purpose === 'new' ? 'strength feedback' : nothing}
            @input=${this.onInput}
          />
          <button
            part="toggle"
            type="button"
            aria-controls="input"
            aria-pressed=${this.visible ? 'true' : 'false'}
            aria-label=${this.visible ? 'Hide password' : 'Show password'}
            ?disabled=${this.disabled}
            @click=${this.toggle}
          >
            ${this.visible ? 'Hide' : 'Show'}
          </button>
        </div>
        ${this.renderFeedback()}
      </div>
    `;
  }
}
