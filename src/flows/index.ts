// The flows: each file is one process that spans modules, and the only place two modules meet.
export { applicationFees, startApplicationsWhenPaid } from './application-fees.ts';
export { applicationOfficials } from './application-officials.ts';
export { agencyNames, type AgencyName } from './agency-names.ts';
export { consentCodeDelivery } from './consent-code-delivery.ts';
export { exchangePublisher, platformSubsystems, type PlatformSubsystems } from './exchange-publishing.ts';
export { fileHealthCertificates } from './health-certificate-filing.ts';
export { healthRegisterReads } from './health-register-reads.ts';
export { loginPeople, loginRegisterFacts } from './login-person-facts.ts';
export { bindOnlineStart, lateOnlineStart } from './online-start.ts';
export { portalRegisterReads } from './portal-register-reads.ts';
export { registrationCallers } from './registration-callers.ts';
