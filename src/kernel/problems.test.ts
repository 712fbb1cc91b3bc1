import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from './errors.ts';
import { toAppError } from './problems.ts';

const t = (key: string) => key;

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError('NOT_FOUND');
    assert.equal(toAppError(error, t).appError, error);
  });

  it('maps framework errors by status and code', () => {
    assert.equal(toAppError(Object.assign(new Error('big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), t).appError.code, 'BODY_TOO_LARGE');
    assert.equal(toAppError(Object.assign(new Error('bad'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY' }), t).appError.code, 'MALFORMED_BODY');
    assert.equal(toAppError(new SyntaxError('Unexpected token'), t).appError.code, 'MALFORMED_BODY');
  });

  it('survives errors whose code is not a string, and reports them as unexpected', () => {
    const domError = new DOMException('aborted', 'AbortError');
    assert.equal(typeof domError.code, 'number');
    const mapped = toAppError(domError, t);
    assert.equal(mapped.appError.code, 'INTERNAL');
    assert.equal(mapped.unexpected, true);
    assert.equal(toAppError(Object.assign(new Error('odd'), { code: 42, statusCode: 409 }), t).appError.code, 'VALIDATION_FAILED');
  });
});
