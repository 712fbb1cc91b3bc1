// Checkpoints of the message log's head, kept by a witness outside the database. The chain of
// hashes proves that no entry was changed, reordered or removed between two others, but someone
// who can write to the database can cut entries off the end (or empty the log) and leave a shorter
// chain that still checks out. A signed checkpoint (entry number, its hash, the time) held
// somewhere the database's users cannot reach anchors the head: a log shorter than the newest
// checkpoint, or whose entry at the checkpoint differs, has been tampered with.
//
// A witness is a small provider: an operator's directory now; another exchange node or a
// time-stamping authority can implement the same interface later.
import { createSign, createVerify, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { privateKeyOf, publicKeyOf } from '../../kernel/key-cache.ts';
import type { SigningKey } from './log.ts';

export interface Checkpoint {
  version: 1;
  /** The exchange node whose log this is. */
  node: string;
  /** The last entry of the log when the checkpoint was made. */
  seq: number;
  /** That entry's hash. */
  hash: string;
  /** ISO time the checkpoint was made. */
  at: string;
  /** The log signing key that signed it. */
  keyId: string;
  signature: string;
}

/** Where checkpoints are kept, outside the database they protect. */
export interface LogWitness {
  /** Says where the checkpoints are, for the operator (a directory, an address). */
  readonly description: string;
  /** Keeps a checkpoint. */
  record(checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint with the highest entry number for `node`; throws when what is kept cannot be read. */
  newest(node: string): Promise<Checkpoint | undefined>;
}

function statement(checkpoint: Omit<Checkpoint, 'signature' | 'keyId'>): string {
  return `urtuu-exchange-checkpoint/v${checkpoint.version}|${checkpoint.node}|${checkpoint.seq}|${checkpoint.hash}|${checkpoint.at}`;
}

/** Signs the head `seq`/`hash` of `node`'s log with the log signing key. */
export function signCheckpoint(node: string, head: { seq: number; hash: string }, key: SigningKey, at = new Date()): Checkpoint {
  const body = { version: 1 as const, node, seq: head.seq, hash: head.hash, at: at.toISOString() };
  const signature = createSign('SHA256').update(statement(body)).sign(privateKeyOf(key.privateKeyPem)).toString('base64');
  return { ...body, keyId: key.keyId, signature };
}

/** Whether a checkpoint is signed by one of the log's keys. */
export function checkpointSigned(checkpoint: Checkpoint, publicKeys: Map<string, string>): boolean {
  const publicKey = publicKeys.get(checkpoint.keyId);
  if (!publicKey) return false;
  try {
    return createVerify('SHA256').update(statement(checkpoint)).verify(publicKeyOf(publicKey), Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

function parseCheckpoint(text: string): Checkpoint | undefined {
  let value: Partial<Checkpoint>;
  try {
    value = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    return undefined;
  }
  const valid = value && value.version === 1 && typeof value.node === 'string' && Number.isSafeInteger(value.seq) && typeof value.hash === 'string' &&
    typeof value.at === 'string' && typeof value.keyId === 'string' && typeof value.signature === 'string';
  return valid ? (value as Checkpoint) : undefined;
}

const FILE = /^(\d{16})\.json$/;

/**
 * Checkpoints as files in a directory, one per checkpoint (named by entry number, so the newest is
 * the highest name whichever process wrote it), written whole or not at all (a temporary file
 * renamed), the newest `keep` kept. Point it at storage the database's users cannot write.
 */
export class DirectoryWitness implements LogWitness {
  readonly description: string;

  constructor(
    private readonly directory: string,
    private readonly keep = 100,
  ) {
    this.description = directory;
  }

  private folder(node: string): string {
    return path.join(this.directory, encodeURIComponent(node));
  }

  async record(checkpoint: Checkpoint): Promise<void> {
    const folder = this.folder(checkpoint.node);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const name = `${String(checkpoint.seq).padStart(16, '0')}.json`;
    const temporary = path.join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temporary, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
    await rename(temporary, path.join(folder, name));
    const names = (await readdir(folder)).filter((file) => FILE.test(file)).sort();
    await Promise.all(names.slice(0, Math.max(0, names.length - this.keep)).map((file) => rm(path.join(folder, file), { force: true })));
  }

  async newest(node: string): Promise<Checkpoint | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.folder(node))).filter((file) => FILE.test(file)).sort();
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    const newest = names.at(-1);
    if (!newest) return undefined;
    const checkpoint = parseCheckpoint(await readFile(path.join(this.folder(node), newest), 'utf8'));
    if (!checkpoint || checkpoint.node !== node || checkpoint.seq !== Number(FILE.exec(newest)![1])) throw new Error(`the checkpoint ${newest} cannot be read`);
    return checkpoint;
  }
}

/** Checkpoints held in the process: for a database that lives only in memory too (tests, trials). */
export class MemoryWitness implements LogWitness {
  readonly description = 'memory';
  private readonly kept = new Map<string, Checkpoint>();

  async record(checkpoint: Checkpoint): Promise<void> {
    const current = this.kept.get(checkpoint.node);
    if (!current || checkpoint.seq >= current.seq) this.kept.set(checkpoint.node, checkpoint);
  }

  async newest(node: string): Promise<Checkpoint | undefined> {
    return this.kept.get(node);
  }
}
