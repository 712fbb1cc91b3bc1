// How a way of signing in plugs into the sign-in pages. The person has already typed their
// register number (the attempt); a method proves they are that person and then calls
// `authenticated`, which moves the browser on to choosing whom to act for and to consent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../kernel/context.ts';
import type { AppError } from '../../../kernel/errors.ts';
import type { Identity, PersonFacts } from '../service.ts';

export interface LoginAttempt {
  uid: string;
  registerNumber: string;
  /**
   * What the register says. For a number that may not sign in (none such, a child, a permit run
   * out) it is a stand-in with nothing in it, so every step looks and works the same until a proof
   * succeeds; `refusal` then says why, and `authenticated` throws it.
   */
  person: PersonFacts;
  refusal?: AppError;
}

export interface LoginFlow {
  ctx: AppContext;
  identity: Identity;
  /**
   * The sign-in in progress for this browser: the interaction must exist and belong to this browser
   * (its binding cookie), and a register number must have been given. Throws LOGIN_EXPIRED.
   */
  attempt(request: FastifyRequest, uid: string): Promise<LoginAttempt>;
  /** Marks the attempt proven by `method` (amr values per RFC 8176); returns the next page's URL. Throws the attempt's refusal. */
  authenticated(request: FastifyRequest, attempt: LoginAttempt, method: string, amr: string[]): Promise<string>;
  /** Counts a failed proof against this method, person and address, and the address; throws LOGIN_LOCKED when it must wait. */
  failed(request: FastifyRequest, attempt: LoginAttempt, method: string): Promise<void>;
  /**
   * The keys failures are counted under: this method for this person from this address (so a stranger
   * elsewhere slows only themselves, and the person's other methods stay open), and the address.
   */
  lockKeys(request: FastifyRequest, registerNumber: string, method: string): string[];
}

export interface LoginMethod {
  /** Short name, also in URLs: /{lang}/login/{uid}/{id}. */
  id: string;
  /** Message key of the method's name on the choice page, and of its hint. */
  labelKey: string;
  hintKey: string;
  /** Whether this person can use it here (a code needs a registered mobile number; banks must be configured). */
  available(person: PersonFacts, flow: LoginFlow): boolean;
  /** Runs when the person picks this method (a POST), e.g. sending the code; never on a GET. */
  start?(request: FastifyRequest, flow: LoginFlow, attempt: LoginAttempt): Promise<void>;
  register(app: FastifyInstance, flow: LoginFlow): void;
}
