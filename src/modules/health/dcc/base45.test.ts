import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { base45Decode, base45Encode } from './base45.ts';

describe('base45 (RFC 9285)', () => {
  it('encodes the examples of RFC 9285 section 4.3', () => {
    assert.equal(base45Encode(Buffer.from('AB')), 'BB8');
    assert.equal(base45Encode(Buffer.from('Hello!!')), '%69 VD92EX0');
    assert.equal(base45Encode(Buffer.from('base-45')), 'UJCLQE7W581');
    assert.equal(base45Encode(Buffer.from('')), '');
  });

  it('decodes the example of RFC 9285 section 4.4 and the encoded examples back', () => {
    assert.equal(base45Decode('QED8WEX0')?.toString(), 'ietf!');
    assert.equal(base45Decode('BB8')?.toString(), 'AB');
    assert.equal(base45Decode('%69 VD92EX0')?.toString(), 'Hello!!');
    assert.equal(base45Decode('UJCLQE7W581')?.toString(), 'base-45');
    assert.equal(base45Decode('')?.length, 0);
  });

  it('refuses what RFC 9285 section 6 says a decoder must refuse', () => {
    assert.equal(base45Decode('GGW'), undefined, 'a triple above 65535');
    assert.equal(base45Decode(':::'), undefined, 'the largest triple, 45^3 - 1');
    assert.equal(base45Decode('::'), undefined, 'a pair above 255');
    assert.equal(base45Decode('BB8A'), undefined, 'a dangling character');
    assert.equal(base45Decode('bb8'), undefined, 'lower case is not in the alphabet');
    assert.equal(base45Decode('BB#'), undefined, 'a character outside the alphabet');
    assert.equal(base45Decode('BBé'), undefined, 'a non-ASCII character');
  });

  it('round-trips the edges and random bytes', () => {
    assert.equal(base45Encode(Buffer.from([0xff, 0xff])), 'FGW');
    assert.deepEqual(base45Decode('FGW'), Buffer.from([0xff, 0xff]));
    assert.equal(base45Encode(Buffer.from([0xff])), 'U5');
    for (let length = 0; length < 64; length += 1) {
      const bytes = randomBytes(length);
      assert.deepEqual(base45Decode(base45Encode(bytes)), bytes);
    }
  });
});
