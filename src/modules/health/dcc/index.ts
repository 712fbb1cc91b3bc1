// The EU Digital COVID Certificate (DCC) library: issue, verify, render as QR, and check the
// implementation against the official test files. Other code imports from here only.
export { base45Decode, base45Encode } from './base45.ts';
export { certificateDer, certificateTypesAllowed, DCC_EKU, DCC_EKU_ALTERNATE, kidOf, type CertificateType } from './certificates.ts';
export { formatConformanceReport, parseClock, parseKnownIssues, runConformance, type ConformanceOptions, type ConformanceReport, type FileResult } from './conformance.ts';
export type { DccName, DccPayload, RecoveryEntry, TestEntry, VaccinationEntry } from './cwt.ts';
export { DccIssueError, issueDcc, type DccSigner, type IssueRequest } from './issue.ts';
export { createCsca, createDsc, type CscaRequest, type DscRequest } from './keys.ts';
export { failureMessage } from './messages.ts';
export { IMAGE_LIMITS, imageKind, qrPng, qrSvg, readQrImage, readQrPng } from './qr.ts';
export { SCHEMA_VERSIONS, validateDccPayload } from './schema.ts';
export { TrustList, type GatewayEntry, type TrustedSigner } from './trust.ts';
export { decodeHc1, FAILURE_CODES, HC1_PREFIX, LIMITS, verifyCose, verifyHc1, type FailureCode, type VerificationResult, type VerifyOptions } from './verify.ts';
