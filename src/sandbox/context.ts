// What every sandbox service gets: the shared store, faults, clock and settings.
import type { Faults } from './faults.ts';
import type { Store } from './store.ts';
import type { UpstreamSts } from './upstream-sts.ts';

export interface SandboxContext {
  store: Store;
  faults: Faults;
  now(): number;
  /** Base URL once listening, e.g. http://127.0.0.1:4567 */
  url: string;
  autoApprove: boolean;
  upstream: UpstreamSts | undefined;
}
