// The rules of signing in: who may sign in alone, whom a person may act for, one-time codes with
// expiry, attempt limits and lockout. No HTTP here.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { CITIZEN_REGISTER_NUMBER, FOREIGN_REGISTER_NUMBER as FOREIGN_NUMBER, isForeignRegisterNumber, isPersonNumber, readPersonNumber } from '../../kernel/person-number.ts';
import * as store from './store.ts';

/** What the population register says about a person, as far as signing in needs it. */
export interface PersonFacts {
  registerNumber: string;
  familyName?: string;
  surname: string;
  givenName: string;
  latin?: { surname?: string; givenName?: string };
  sex?: string;
  birthDate: string;
  mobile?: string;
  deceased: boolean;
  citizenship: string;
  /** Register numbers of the person's children. */
  children: string[];
  /** A foreign resident's last day of their residence permit (yyyy-mm-dd); absent for citizens. */
  permitValidUntil?: string;
}

export interface CompanyFacts {
  registerNumber: string;
  name: string;
  status?: string;
}

/** Where the identity module learns about people and companies, and how it sends a text. */
export interface IdentityDeps {
  person(registerNumber: string): Promise<PersonFacts | undefined>;
  /** Companies in the legal entity register that this person directs. */
  companiesDirectedBy(registerNumber: string): Promise<CompanyFacts[]>;
  /** Sends an SMS (cannot be undone). */
  sendSms(mobile: string, text: string, lang: Lang, purpose: string): Promise<void>;
}

/** Citizens 16 and over sign in on their own (as ДАН); a parent acts for a younger child. */
export const MINIMUM_AGE = 16;
/** Parents act for their children until they come of age. */
export const AGE_OF_MAJORITY = 18;
export const CODE_MINUTES = 5;
export const CODE_ATTEMPTS = 5;
/** Codes sent to one person in an hour (used or not), so a stranger cannot flood their phone. */
export const CODES_PER_HOUR = 5;
/**
 * The same limit in a demonstration (the development sign-in on): codes land in the development
 * outbox, not on anyone's phone, and the demo citizen is signed in over and over by everyone trying it.
 */
export const DEMO_CODES_PER_HOUR = 60;
/**
 * Wrong proofs are slowed, not punished with a lockout that a stranger could impose on anyone: each
 * key (a method, a person and an address together; an address alone) has some free failures in the
 * window, then must wait 1 s, 2 s, 4 s... up to SLOW_MAX_SECONDS before the next try.
 */
export const FAILURE_WINDOW_MINUTES = 60;
export const SLOW_MAX_SECONDS = 15 * 60;
/** Failures of one method for one person from one address before the waits begin. */
export const FREE_FAILURES_PER_PERSON = 3;
/** Failures from one address, whoever for, before its waits begin (an office shares one address). */
export const FREE_FAILURES_PER_ADDRESS = 30;
/** Register numbers typed at the first step from one address before its waits begin, counted alike whatever the number. */
export const FREE_STARTS_PER_ADDRESS = 60;

/** The free failures of a counting key, by its kind (see lockKeys in login-pages.ts). */
function freeFailures(key: string): number {
  if (key.startsWith('start:')) return FREE_STARTS_PER_ADDRESS;
  if (key.startsWith('ip:')) return FREE_FAILURES_PER_ADDRESS;
  return FREE_FAILURES_PER_PERSON;
}

export const REGISTER_NUMBER = CITIZEN_REGISTER_NUMBER;
/** A foreign resident's F-register number: the letter Ф and 12 digits, 13 characters (see kernel/person-number.ts). */
export const FOREIGN_REGISTER_NUMBER = FOREIGN_NUMBER;

/** A typed register number in its register form (Latin letters read as Cyrillic; see kernel/person-number.ts). */
export function normaliseRegisterNumber(value: unknown): string {
  return readPersonNumber(value);
}

/** The kind of account a person's number opens: a foreign resident's or a citizen's. */
export function personKind(registerNumber: string): 'foreigner' | 'citizen' {
  return isForeignRegisterNumber(registerNumber) ? 'foreigner' : 'citizen';
}

export function ageOn(birthDate: string, today: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - year;
  if (today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day)) age -= 1;
  return age;
}

/**
 * "Н.Сарангэрэл": the first letter of the patronymic and the given name, as Mongolians write a name;
 * a foreign resident's passport name in full, given name first ("MINJUN KIM").
 */
export function displayName(person: Pick<PersonFacts, 'surname' | 'givenName'> & { registerNumber?: string }): string {
  if (person.registerNumber && isForeignRegisterNumber(person.registerNumber)) return `${person.givenName} ${person.surname}`;
  return `${person.surname.slice(0, 1)}.${person.givenName}`;
}

/** "0812****" style: enough for a person to recognise their number, not enough for anyone else. */
export function maskMobile(mobile: string): string {
  return `${mobile.slice(0, 2)}•• ••${mobile.slice(-2)}`;
}

/** Parses the account id the provider keeps: the subject's account, and the actor's when someone acts for another. */
export function parseAccountId(accountId: string): { subject: string; actor?: string; basis?: string } {
  const [subject, actor, basis] = accountId.split('~');
  return actor && basis ? { subject: subject!, actor, basis } : { subject: subject! };
}

export function accountIdFor(subject: string, actor?: { account: string; basis: string }): string {
  return actor ? `${subject}~${actor.account}~${actor.basis}` : subject;
}

/** Someone a person may act for, and on what basis. */
export interface Representation {
  kind: 'person' | 'organisation';
  registerNumber: string;
  name: string;
  basis: 'parent' | 'attorney' | 'director';
  /** For a power of attorney: its notarial number and last day. */
  reference?: string;
  until?: string;
}

export interface Identity {
  deps: IdentityDeps;
  /** The person behind a register number, checked as able to sign in on their own; throws a named refusal. */
  personWhoMaySignIn(registerNumber: string, today?: Date): Promise<PersonFacts>;
  /** Everyone this person may act for now: minor children, companies they direct, valid powers of attorney. */
  representations(person: PersonFacts, today?: Date): Promise<Representation[]>;
  /** Throws LOGIN_LOCKED, saying how many seconds to wait, while any of the keys must wait. */
  assertNotLocked(keys: string[]): Promise<void>;
  /** Counts a failed attempt against each key; past its free failures, the key waits longer each time. */
  fail(keys: string[]): Promise<void>;
  /**
   * Makes a code for this sign-in and texts it to `mobile` when there is one (cannot be undone). The
   * same work and the same limit whether or not anything is sent, so the answer tells nothing about
   * the register; with no mobile the code exists but reaches no one.
   */
  sendCode(interaction: string, registerNumber: string, mobile: string | undefined, lang: Lang): Promise<void>;
  /** Checks a code for this sign-in; counts wrong guesses; a code works once. */
  checkCode(interaction: string, code: unknown): Promise<string>;
}

export function createIdentity(db: Db, secret: string, deps: IdentityDeps, options: { codesPerHour?: number } = {}): Identity {
  const codesPerHour = options.codesPerHour ?? CODES_PER_HOUR;
  const codeHash = (interaction: string, code: string) => createHmac('sha256', secret).update(`login-code:${interaction}:${code}`).digest('hex');

  const identity: Identity = {
    deps,
    async personWhoMaySignIn(registerNumber, today = new Date()) {
      if (!isPersonNumber(registerNumber)) throw new AppError('REGISTER_NUMBER_INVALID');
      const person = await deps.person(registerNumber);
      // The same answer whether or not the number exists, so the form cannot be used to probe the register.
      if (!person || person.deceased) throw new AppError('LOGIN_UNKNOWN_PERSON');
      if (ageOn(person.birthDate, today) < MINIMUM_AGE) throw new AppError('LOGIN_MINOR', { age: MINIMUM_AGE });
      // A foreign resident's right to the national login lasts as long as their residence permit.
      if (person.permitValidUntil !== undefined && person.permitValidUntil < today.toISOString().slice(0, 10)) {
        throw new AppError('LOGIN_PERMIT_EXPIRED', { date: person.permitValidUntil.replace(/-/g, '.') });
      }
      return person;
    },

    async representations(person, today = new Date()) {
      const result: Representation[] = [];
      for (const childNumber of person.children) {
        const child = await deps.person(childNumber);
        if (child && !child.deceased && ageOn(child.birthDate, today) < AGE_OF_MAJORITY) {
          result.push({ kind: 'person', registerNumber: child.registerNumber, name: displayName(child), basis: 'parent' });
        }
      }
      for (const company of await deps.companiesDirectedBy(person.registerNumber)) {
        if (company.status && company.status !== 'active') continue;
        result.push({ kind: 'organisation', registerNumber: company.registerNumber, name: company.name, basis: 'director' });
      }
      const day = today.toISOString().slice(0, 10);
      for (const power of await store.powersHeldBy(db, person.registerNumber)) {
        if (power.revoked_at || power.valid_from > day || power.valid_until < day) continue;
        result.push({ kind: 'person', registerNumber: power.grantor, name: power.grantor_name, basis: 'attorney', reference: power.notarial_number, until: power.valid_until });
      }
      return result;
    },

    async assertNotLocked(keys) {
      let wait = 0;
      for (const key of keys) {
        const row = await store.findLockout(db, key);
        if (row?.locked_until) wait = Math.max(wait, new Date(row.locked_until).getTime() - Date.now());
      }
      if (wait > 0) throw new AppError('LOGIN_LOCKED', { seconds: Math.ceil(wait / 1000) });
    },

    async fail(keys) {
      for (const key of keys) await store.countFailure(db, key, freeFailures(key), FAILURE_WINDOW_MINUTES, SLOW_MAX_SECONDS);
    },

    async sendCode(interaction, registerNumber, mobile, lang) {
      const sent = await store.countCodesSince(db, registerNumber, new Date(Date.now() - 3_600_000));
      if (sent >= codesPerHour) throw new AppError('LOGIN_TOO_MANY_CODES');
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await store.insertLoginCode(db, { interaction, registerNumber, codeHash: codeHash(interaction, code), expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000) });
      if (!mobile) return;
      const text = lang === 'mn'
        ? `Urtuu: нэвтрэх код ${code}. ${CODE_MINUTES} минут хүчинтэй. Хэнд ч бүү хэлээрэй.`
        : `Urtuu: your sign-in code is ${code}. It works for ${CODE_MINUTES} minutes. Never tell it to anyone.`;
      await deps.sendSms(mobile, text, lang, 'identity.login-code');
    },

    async checkCode(interaction, code) {
      const typed = typeof code === 'string' ? code.replace(/[\s-]/g, '') : '';
      if (!/^[0-9]{6}$/.test(typed)) throw new AppError('LOGIN_CODE_FORMAT');
      const outcome = await db.transaction(async (tx) => {
        const row = await store.latestLoginCode(tx, interaction);
        if (!row || row.used_at) return { error: 'LOGIN_CODE_NONE' as const };
        if (new Date(row.expires_at) < new Date()) return { error: 'LOGIN_CODE_EXPIRED' as const };
        if (row.attempts >= CODE_ATTEMPTS) return { error: 'LOGIN_CODE_LOCKED' as const };
        const expected = Buffer.from(row.code_hash);
        const given = Buffer.from(codeHash(interaction, typed));
        if (!timingSafeEqual(expected, given)) {
          // The wrong guess commits with this transaction, before the refusal.
          await store.bumpCodeAttempts(tx, row.id);
          return { error: row.attempts + 1 >= CODE_ATTEMPTS ? ('LOGIN_CODE_LOCKED' as const) : ('LOGIN_CODE_WRONG' as const), left: CODE_ATTEMPTS - row.attempts - 1 };
        }
        await store.useLoginCode(tx, row.id);
        return { registerNumber: row.register_number };
      });
      if ('error' in outcome) throw new AppError(outcome.error!, { left: outcome.left ?? 0 });
      return outcome.registerNumber;
    },
  };
  return identity;
}
