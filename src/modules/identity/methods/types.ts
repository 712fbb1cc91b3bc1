// How a way of signing in plugs into the sign-in pages. The person has already typed their
// register number (the attempt); a method proves they are that person and then calls
// `authenticated`, which moves the browser on to choosing whom to act for and to consent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../kernel/context.ts';
import type { Identity, PersonFacts } from '../service.ts';

export interface LoginAttempt {
  uid: string;
  registerNumber: string;
  person: PersonFacts;
}

export interface LoginFlow {
  ctx: AppContext;
  identity: Identity;
  /**
   * The sign-in in progress for this browser: the interaction must exist and belong to this browser
   * (its binding cookie), and a register number must have been given. Throws LOGIN_EXPIRED.
   */
  attempt(request: FastifyRequest, uid: string): Promise<LoginAttempt>;
  /** Marks the attempt proven by `method` (amr values per RFC 8176); returns the next page's URL. */
  authenticated(request: FastifyRequest, attempt: LoginAttempt, method: string, amr: string[]): Promise<string>;
  /** Counts a failed proof against the person and the address (brute force); throws LOGIN_LOCKED when locked. */
  failed(request: FastifyRequest, attempt: LoginAttempt, method: string): Promise<void>;
  /** The lockout keys of a request: the person and the client address. */
  lockKeys(request: FastifyRequest, registerNumber: string): string[];
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
