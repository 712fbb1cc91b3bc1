// DCC benchmark: verifications and issuances per second on one core (one thread, counted per
// second of its CPU time), each against a baseline measured in the same run: a bare crypto.verify
// (crypto.sign) of one signature over the same Sig_structure bytes, so the ratio shows what the
// rest of the pipeline (base45, zlib, CBOR, COSE, claims, key usage, schema) costs on top of it.
//
//   node --import tsx bench/dcc.ts [--seconds 3] [--certificates 500]
import { constants, createPrivateKey, sign as cryptoSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
import { progressBar } from '../src/kernel/progress.ts';
import { createCsca, createDsc, decodeHc1, issueDcc, TrustList, verifyCose, verifyHc1, type DccPayload } from '../src/modules/health/dcc/index.ts';
import { parseCoseSign1, sigStructure } from '../src/modules/health/dcc/cose.ts';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, certificates: { type: 'string', default: '500' } } });
const seconds = Number(values.seconds);
const count = Number(values.certificates);

interface Result {
  name: string;
  perSecond: number;
  baseline: string;
}

/**
 * Runs `work(i)` for i = 0, 1, 2... for about `seconds` after a short warm-up; returns calls per
 * second of this process's CPU time, so that other load on a shared machine does not count.
 */
function measure(work: (index: number) => void): number {
  const warmUntil = performance.now() + 300;
  for (let index = 0; performance.now() < warmUntil; index += 1) work(index);
  let calls = 0;
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  // Check the clock every 64 calls: reading it is not free at these rates.
  while (performance.now() < until) for (let batch = 0; batch < 64; batch += 1) work(calls++);
  const used = process.cpuUsage(cpu);
  return calls / ((used.user + used.system) / 1e6);
}

const DAY = 86_400_000;
const now = Date.now();
const csca = await createCsca({ subject: 'CN=Bench CSCA, C=MN', notBefore: new Date(now - DAY) });
const dsc = await createDsc(csca, { subject: 'CN=Bench DSC, C=MN', notBefore: new Date(now - DAY), days: 365 });
const rsaDsc = await createDsc(csca, { subject: 'CN=Bench DSC RSA, C=MN', notBefore: new Date(now - DAY), days: 365, keyType: 'rsa' });
const trust = TrustList.fromPem(dsc.certificatePem + rsaDsc.certificatePem);

const payload = (index: number): DccPayload => ({
  ver: '1.3.0',
  nam: { fn: 'Батболд', fnt: 'BATBOLD', gn: 'Сарнай', gnt: 'SARNAI' },
  dob: '1990-04-14',
  v: [{ tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-06-01', co: 'MN', is: 'Ministry of Health of Mongolia', ci: `URN:UVCI:01:MN:${String(index).padStart(8, '0')}#Q` }],
});
const request = (index: number, signer = dsc) => ({ payload: payload(index), signer, issuer: 'MN', issuedAt: new Date(now - 60_000), expiresAt: new Date(now + 30 * DAY) });

const bar = progressBar('issuing test certificates', count);
const certificates: string[] = [];
for (let index = 0; index < count; index += 1) {
  certificates.push(issueDcc(request(index)));
  bar.update(index + 1);
}
bar.finish();
const rsaCertificates = certificates.slice(0, 50).map((_, index) => issueDcc(request(index, rsaDsc)));
const coses = certificates.map((hc1) => {
  const decoded = decodeHc1(hc1);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.cose;
});
for (const hc1 of [...certificates.slice(0, 5), ...rsaCertificates.slice(0, 5)]) {
  const result = verifyHc1(hc1, { trust });
  if (!result.valid) throw new Error(`bench data does not verify: ${result.failures.join(', ')}`);
}

// The exact bytes and signatures the pipeline verifies, for the bare baseline.
const signed = coses.map((cose) => {
  const message = parseCoseSign1(cose);
  if (!message.ok) throw new Error(message.detail);
  return { data: sigStructure(message.value.protectedBytes, message.value.payload), signature: message.value.signature };
});
const publicKey = new X509Certificate(dsc.certificatePem).publicKey;
const privateKey = createPrivateKey(dsc.privateKeyPem);
const rsaPublicKey = new X509Certificate(rsaDsc.certificatePem).publicKey;
const rsaSigned = rsaCertificates.map((hc1) => {
  const decoded = decodeHc1(hc1);
  const message = decoded.ok ? parseCoseSign1(decoded.cose) : undefined;
  if (!message?.ok) throw new Error('bench data');
  return { data: sigStructure(message.value.protectedBytes, message.value.payload), signature: message.value.signature };
});

const targets: { name: string; baseline: string; run: (index: number) => void }[] = [
  { name: 'crypto.verify ES256 (baseline)', baseline: 'verify', run: (index) => void cryptoVerify('sha256', signed[index % count]!.data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signed[index % count]!.signature) },
  { name: 'verifyHc1, ES256 (whole pipeline)', baseline: 'verify', run: (index) => void verifyHc1(certificates[index % count], { trust }) },
  { name: 'verifyCose, ES256 (no base45, zlib)', baseline: 'verify', run: (index) => void verifyCose(coses[index % count]!, { trust }) },
  { name: 'decodeHc1 only (base45 + zlib)', baseline: 'verify', run: (index) => void decodeHc1(certificates[index % count]) },
  { name: 'crypto.verify PS256 (baseline)', baseline: 'verify PS256', run: (index) => void cryptoVerify('sha256', rsaSigned[index % 50]!.data, { key: rsaPublicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, rsaSigned[index % 50]!.signature) },
  { name: 'verifyHc1, PS256 (whole pipeline)', baseline: 'verify PS256', run: (index) => void verifyHc1(rsaCertificates[index % 50], { trust }) },
  { name: 'crypto.sign ES256 (baseline)', baseline: 'sign', run: (index) => void cryptoSign('sha256', signed[index % count]!.data, { key: privateKey, dsaEncoding: 'ieee-p1363' }) },
  { name: 'issueDcc, ES256 (whole pipeline)', baseline: 'sign', run: (index) => void issueDcc(request(index)) },
];

const results: Result[] = [];
const progress = progressBar('measuring', targets.length);
for (const target of targets) {
  results.push({ name: target.name, baseline: target.baseline, perSecond: measure(target.run) });
  progress.update(results.length);
}
progress.finish();

const baselineOf = (group: string) => results.find((result) => result.baseline === group && result.name.includes('(baseline)'))!.perSecond;
console.log(`\n${machine()}; one thread, rates per CPU second; ${count} distinct certificates rotated; ${seconds}s per target\n`);
console.log('| target | per second | ratio to baseline | µs per call |');
console.log('|---|---:|---:|---:|');
for (const result of results) {
  console.log(`| ${result.name} | ${Math.round(result.perSecond)} | ${(result.perSecond / baselineOf(result.baseline)).toFixed(2)} | ${(1e6 / result.perSecond).toFixed(1)} |`);
}
const find = (name: string) => results.find((result) => result.name.startsWith(name))!.perSecond;
console.log(
  `\ndcc: verifyHc1 ES256 ${Math.round(find('verifyHc1, ES256'))}/s (${((find('verifyHc1, ES256') / baselineOf('verify')) * 100).toFixed(0)}% of a bare crypto.verify; aim >= 5000/s), ` +
    `PS256 ${Math.round(find('verifyHc1, PS256'))}/s, issueDcc ${Math.round(find('issueDcc'))}/s (${((find('issueDcc') / baselineOf('sign')) * 100).toFixed(0)}% of a bare crypto.sign)`,
);
