// Static assets: the stylesheet compiled from our Sass (cached under dist/, named by content hash so
// browsers may keep it forever), GOV.UK Frontend's JavaScript module, and our own images.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');
export const staticDir = path.join(here, 'static');
const sassDir = path.join(here, 'sass');
const builtDir = path.join(projectRoot, 'dist', 'assets');
const require = createRequire(import.meta.url);
export const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const govukJsDir = path.join(govukDist, 'govuk');

export interface AssetManifest {
  /** URL of the stylesheet, e.g. /assets/urtuu.3f2a9c1b.css */
  css: string;
  /** Folder holding the built files, served under /assets/. */
  builtDir: string;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(sassDir).sort()) hash.update(file).update(readFileSync(path.join(sassDir, file)));
  hash.update(readFileSync(path.join(govukDist, '..', 'package.json')));
  return hash.digest('hex').slice(0, 10);
}

/** Writes a file whole or not at all: to a temporary name first, then renamed. */
function writeAtomically(target: string, content: string | Buffer): void {
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, target);
}

/** Writes a file with its Brotli and gzip forms beside it, compressed once at the highest level. */
function writeWithCompressed(target: string, content: Buffer): void {
  writeAtomically(`${target}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeAtomically(`${target}.gz`, gzipSync(content, { level: 9 }));
  writeAtomically(target, content);
}

/**
 * Returns the built assets, compiling the Sass only when its sources changed. Several processes
 * may start at once (tests, N server processes): files are written whole or not at all, so nobody
 * ever serves half a file.
 */
export async function buildAssets(): Promise<AssetManifest> {
  const name = `urtuu.${sourceHash()}.css`;
  const target = path.join(builtDir, name);
  if (!existsSync(target)) {
    const sass = await import('sass');
    const result = sass.compile(path.join(sassDir, 'urtuu.scss'), {
      style: 'compressed',
      importers: [new sass.NodePackageImporter(projectRoot)],
      quietDeps: true,
    });
    mkdirSync(builtDir, { recursive: true });
    writeWithCompressed(target, Buffer.from(result.css));
  }
  // GOV.UK Frontend's script is copied alone: its folder also holds GOV.UK's brand assets, which
  // only GOV.UK may use and which are never served.
  const script = readFileSync(path.join(govukJsDir, 'govuk-frontend.min.js'));
  const scriptTarget = path.join(builtDir, 'govuk-frontend.min.js');
  if (!existsSync(scriptTarget) || !readFileSync(scriptTarget).equals(script)) {
    mkdirSync(builtDir, { recursive: true });
    writeWithCompressed(scriptTarget, script);
  }
  return { css: `/assets/${name}`, builtDir };
}
