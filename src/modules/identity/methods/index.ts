// The ways to sign in, in the order the choice page lists them.
import { bankMethod } from './bank.ts';
import { signatureMethod } from './signature.ts';
import { qrMethod } from './qr.ts';
import { smsMethod } from './sms.ts';
import type { LoginMethod } from './types.ts';

export const LOGIN_METHODS: LoginMethod[] = [smsMethod, qrMethod, signatureMethod, bankMethod];
