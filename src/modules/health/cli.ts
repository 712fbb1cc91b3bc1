// `urtuu dcc ...`: verify a certificate, run the official conformance files, and manage the keys
// (rotate ours, import another country's signer, print the trust list).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { failureMessage, formatConformanceReport, parseClock, runConformance, TrustList, verifyHc1, type VerificationResult } from './dcc/index.ts';
import { healthMessages } from './dcc/messages.ts';
import type { Health } from './service.ts';

export const DCC_HELP = `  dcc verify --hc1 TEXT [--trust CERT.pem ...] [--at ISO-TIME] [--lang mn|en]
                   Verify an EU Digital COVID Certificate; with --trust only
                   those certificates are trusted, otherwise the platform's
                   signers and the imported ones. Exit 0 when valid.
  dcc conformance DIR [--known-issues CSV]
                   Run the official DCC test files (dgc-testdata layout) in DIR;
                   ends with "N passed, M failed"; exit 1 on failures outside
                   the known issues.
  dcc rotate       Make a new document signer; the old one stops signing.
  dcc import-signer FILE [--country XX]
                   Trust another country's document signer certificate (PEM).
  dcc trust-list   Print the trust list the platform publishes (JSON).`;

/** What the dcc commands need from a running platform, opened only when a command needs it. */
export interface DccCommandContext {
  openHealth(): Promise<{ health: Health; close(): Promise<void> }>;
  out?: (line: string) => void;
  err?: (text: string) => void;
}

function printResult(result: VerificationResult, lang: 'mn' | 'en', out: (line: string) => void): void {
  out(result.valid ? `VALID ${result.certificateType ?? ''}`.trim() : 'NOT VALID');
  for (const code of result.failures) out(`  ${code}: ${failureMessage(code, lang)} (${result.details[code] ?? ''})`);
  out(JSON.stringify({ valid: result.valid, failures: result.failures, certificateType: result.certificateType ?? null, kid: result.kid ?? null, issuer: result.issuer ?? null, issuedAt: result.issuedAt ?? null, expiresAt: result.expiresAt ?? null, payload: result.payload ?? null }, null, 2));
}

/** Runs `urtuu dcc ARGS`; returns the exit code. */
export async function runDccCommand(args: string[], context: DccCommandContext): Promise<number> {
  const out = context.out ?? ((line: string) => console.log(line));
  const err = context.err ?? ((text: string) => process.stderr.write(text));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { hc1: { type: 'string' }, trust: { type: 'string', multiple: true }, at: { type: 'string' }, lang: { type: 'string', default: 'en' }, 'known-issues': { type: 'string' }, country: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${DCC_HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [sub, argument] = positionals;
  const lang = values.lang === 'mn' ? 'mn' : 'en';

  if (sub === 'verify') {
    if (!values.hc1) {
      err(`usage:\n${DCC_HELP}\n`);
      return 2;
    }
    const at = values.at === undefined ? undefined : parseClock(values.at);
    if (values.at !== undefined && !at) {
      err(`--at must be an ISO 8601 time, e.g. 2021-06-01T12:00:00Z\n`);
      return 2;
    }
    let result: VerificationResult;
    if (values.trust?.length) {
      let trust: TrustList;
      try {
        trust = await TrustList.fromPemFiles(values.trust);
      } catch (error) {
        err(`cannot read the trusted certificates: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      result = verifyHc1(values.hc1.trim(), { trust, ...(at ? { at } : {}) });
    } else {
      const platform = await context.openHealth();
      try {
        result = await platform.health.verify(values.hc1.trim(), at);
      } finally {
        await platform.close();
      }
    }
    printResult(result, lang, out);
    return result.valid ? 0 : 1;
  }

  if (sub === 'conformance') {
    if (!argument) {
      err(`usage:\n${DCC_HELP}\n`);
      return 2;
    }
    const interactive = Boolean(process.stderr.isTTY);
    const report = await runConformance(argument, {
      ...(values['known-issues'] ? { knownIssues: values['known-issues'] } : {}),
      onProgress(done, total) {
        if (interactive) err(`\rchecking test files: ${done}/${total}`);
        else if (done === total || done % 50 === 0) err(`checking test files: ${done}/${total}\n`);
      },
    });
    if (interactive) err('\n');
    out(formatConformanceReport(report));
    return report.failed > 0 ? 1 : 0;
  }

  if (sub === 'rotate' || sub === 'import-signer' || sub === 'trust-list') {
    if (sub === 'import-signer' && !argument) {
      err(`usage:\n${DCC_HELP}\n`);
      return 2;
    }
    const pem = sub === 'import-signer' ? await readFile(argument!, 'utf8') : '';
    const platform = await context.openHealth();
    try {
      if (sub === 'rotate') {
        const signer = await platform.health.rotate(null);
        out(`New document signer ${signer.kid} (${signer.subject}), valid until ${signer.notAfter}.`);
      } else if (sub === 'import-signer') {
        try {
          const signer = await platform.health.importSigner({ certificate: pem, ...(values.country ? { country: values.country } : {}) }, null);
          out(`Trusted ${signer.country} signer ${signer.kid} (${signer.subject}), valid until ${signer.notAfter}.`);
        } catch (error) {
          const { key, params } = error as { key?: string; params?: Record<string, string> };
          const errors = healthMessages(lang).errors as Record<string, string> | undefined;
          const text = key && errors?.[key] ? errors[key].replace(/\{(\w+)\}/g, (_whole, name: string) => params?.[name] ?? name) : error instanceof Error ? error.message : String(error);
          err(`${text}\n`);
          return 1;
        }
      } else {
        out(JSON.stringify(await platform.health.trustList(), null, 2));
      }
    } finally {
      await platform.close();
    }
    return 0;
  }

  err(`Unknown dcc command.\n\n${DCC_HELP}\n`);
  return 2;
}
