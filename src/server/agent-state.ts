// The agent's state file: where it listens, its control secret and the targets it serves. Only the
// agent process writes it (atomically, 0600 in a 0700 folder); clients read it to find the agent.
// Targets and their token hashes outlive the process, so a restarted agent on the same port answers
// the tokens that shells already hold: a killed or idle-exited agent heals every shell when it
// comes back. The file holds no credential and no target token, only sha256 of each token.

import { createHash, timingSafeEqual } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateFile } from '../util/private-file-write.ts';

export interface AgentTargetRecord {
  /** The URL path segment: http://127.0.0.1:PORT/<id>. Random, not secret. */
  id: string;
  /** sha256 (hex) of the target's token; the token itself is only in the shell that asked. */
  tokenSha256: string;
  /** For status and logs: the profile or account/role. */
  label: string;
  /** What to run, as the client sent it (a Plan and the config file paths); opaque to this layer. */
  spec: Record<string, unknown>;
  createdAt: string;
  /** Written at most every few minutes; drives pruning of targets no shell uses any more. */
  lastUsedAt?: string;
}

export interface AgentState {
  version: 1;
  pid: number;
  port: number;
  /** Authorizes control requests (register, status, stop); anyone who can read this file is the user. */
  secret: string;
  startedAt: string;
  idleSeconds: number;
  targets: AgentTargetRecord[];
}

/** `<rolehop cache>/agent/state.json` (a subfolder: status and logout read the top level). */
export function agentStatePath(cacheDir: string): string {
  return path.join(cacheDir, 'agent', 'state.json');
}

/** The state, or undefined when there is none or it is unreadable (treated as no agent). */
export function readAgentState(file: string, home = os.homedir()): AgentState | undefined {
  // Like every private cache: no symlink, no file or folder of another user (it names the secret).
  const raw = readPrivateFile(file, home);
  if (!raw) return undefined;
  try {
    const state = JSON.parse(raw.toString('utf8')) as AgentState;
    if (state.version !== 1 || typeof state.port !== 'number' || typeof state.secret !== 'string')
      return undefined;
    if (!Array.isArray(state.targets)) state.targets = [];
    return state;
  } catch {
    return undefined;
  }
}

export function writeAgentState(file: string, state: AgentState, home = os.homedir()): void {
  // 0600 in a 0700 folder, never through a planted link: the file names the control secret.
  writePrivateFile(file, `${JSON.stringify(state, null, 2)}\n`, home);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Constant-time: compares sha256 of the presented token with a stored hash of equal length. */
export function tokenMatchesHash(presented: string, tokenSha256: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(tokenSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
