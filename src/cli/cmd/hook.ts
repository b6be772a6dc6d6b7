import * as os from 'node:os';
import { UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, durationOf, firstPositional } from '../spec.ts';

// `rolehop hook SHELL`: a prompt hook for tools that read only static keys. The freshness check runs
// in the shell (its clock against AWS_CREDENTIAL_EXPIRATION), so a prompt starts no process while
// the keys are fresh; within the margin it runs `rolehop env --again` once, which exports the target
// that ROLEHOP_TARGET records. stdin is /dev/null there: a prompt never opens a sign-in; a failure
// prints rolehop's message and waits a minute before the next try.

const DEFAULT_MARGIN_SECONDS = 10 * 60;
const RETRY_SECONDS = 60;

function bash(margin: number): string {
  return `# rolehop hook bash: re-export credentials within ${margin}s of expiry (rolehop hook --help)
__rolehop_hook() {
  local rolehop_status=$?
  if [[ -n \${ROLEHOP_TARGET-} && -n \${AWS_CREDENTIAL_EXPIRATION-} ]] && (( EPOCHSECONDS >= \${__rolehop_retry_at:-0} )); then
    local rolehop_soon rolehop_exports
    # ISO-8601 UTC times compare as text.
    TZ=UTC0 printf -v rolehop_soon '%(%Y-%m-%dT%H:%M:%SZ)T' $((EPOCHSECONDS + ${margin}))
    if [[ ! \${AWS_CREDENTIAL_EXPIRATION} > \${rolehop_soon} ]]; then
      if rolehop_exports=$(command rolehop env --again --min-ttl ${margin} --format bash </dev/null); then
        eval "$rolehop_exports"
      else
        __rolehop_retry_at=$((EPOCHSECONDS + ${RETRY_SECONDS}))
      fi
    fi
  fi
  return $rolehop_status
}
if [[ ";\${PROMPT_COMMAND-};" != *";__rolehop_hook;"* ]]; then
  PROMPT_COMMAND="__rolehop_hook\${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
`;
}

function zsh(margin: number): string {
  return `# rolehop hook zsh: re-export credentials within ${margin}s of expiry (rolehop hook --help)
zmodload zsh/datetime
__rolehop_hook() {
  if [[ -n \${ROLEHOP_TARGET-} && -n \${AWS_CREDENTIAL_EXPIRATION-} ]] && (( EPOCHSECONDS >= \${__rolehop_retry_at:-0} )); then
    local rolehop_soon rolehop_exports
    # ISO-8601 UTC times compare as text.
    TZ=UTC0 strftime -s rolehop_soon '%Y-%m-%dT%H:%M:%SZ' $((EPOCHSECONDS + ${margin}))
    if [[ ! \${AWS_CREDENTIAL_EXPIRATION} > \${rolehop_soon} ]]; then
      if rolehop_exports=$(command rolehop env --again --min-ttl ${margin} --format zsh </dev/null); then
        eval "$rolehop_exports"
      else
        typeset -g __rolehop_retry_at=$((EPOCHSECONDS + ${RETRY_SECONDS}))
      fi
    fi
  fi
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd __rolehop_hook
`;
}

/**
 * fish has no clock builtin: now is the boot time (computed here, once) plus /proc/uptime, read by
 * the \`read\` builtin; where there is no /proc, \`date +%s\` is the one process a prompt starts.
 * The expiry is turned into epoch seconds with days-from-civil in \`math\`.
 */
function fish(margin: number, bootEpoch: number): string {
  return `# rolehop hook fish: re-export credentials within ${margin}s of expiry (rolehop hook --help)
set -g __rolehop_boot ${bootEpoch}
function __rolehop_hook --on-event fish_prompt
    set -q ROLEHOP_TARGET; and set -q AWS_CREDENTIAL_EXPIRATION; or return
    set -l now
    if test -r /proc/uptime; and read -l up rest </proc/uptime
        set now (math --scale 0 "floor($__rolehop_boot + $up)")
    else
        set now (date +%s)
    end
    set -q __rolehop_retry_at; and test $now -lt $__rolehop_retry_at; and return
    set -l p (string match -r '^(\\d{4})-(\\d\\d)-(\\d\\d)T(\\d\\d):(\\d\\d):(\\d\\d)' -- $AWS_CREDENTIAL_EXPIRATION); or return
    set -l y (math $p[2]); set -l m (math $p[3])
    if test $m -le 2
        set y (math $y - 1); set m (math $m + 9)
    else
        set m (math $m - 3)
    end
    set -l era (math --scale 0 "floor($y / 400)")
    set -l yoe (math "$y - $era * 400")
    set -l doe (math --scale 0 "$yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + floor((153 * $m + 2) / 5) + $p[4] - 1")
    set -l expires (math --scale 0 "($era * 146097 + $doe - 719468) * 86400 + $p[5] * 3600 + $p[6] * 60 + $p[7]")
    if test (math "$expires - $now") -le ${margin}
        set -l exports (command rolehop env --again --min-ttl ${margin} --format fish </dev/null | string collect)
        if test $pipestatus[1] -eq 0
            set -e __rolehop_retry_at
            echo $exports | source
        else
            set -g __rolehop_retry_at (math $now + ${RETRY_SECONDS})
        end
    end
end
`;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What hook acts on, typed: the command line is read and checked once, in parseHookInput. */
export interface HookInput {
  shell: Shell;
  /** Re-export when less than this is left (--margin, 10 minutes by default). */
  marginSeconds: number;
}

export function parseHookInput(raw: CommandInput): HookInput {
  const shell = firstPositional(raw, 'rolehop hook bash|zsh|fish');
  const marginSeconds = durationOf(raw, 'margin') ?? DEFAULT_MARGIN_SECONDS;
  if (!SHELLS.includes(shell as Shell)) {
    throw new UsageError(shell === undefined ? 'missing the shell' : `unknown shell "${shell}"`, {
      hint: 'rolehop hook bash|zsh|fish (pwsh and cmd: use env --agent)',
    });
  }
  return { shell: shell as Shell, marginSeconds };
}

/** Prints the hook script for the shell. */
export function hook(input: HookInput, deps: Deps): number {
  const margin = input.marginSeconds;
  if (input.shell === 'bash') deps.stdout.write(bash(margin));
  else if (input.shell === 'zsh') deps.stdout.write(zsh(margin));
  else deps.stdout.write(fish(margin, Math.round(deps.now() / 1000 - os.uptime())));
  return 0;
}

export const run: CommandRun = (raw, deps) => hook(parseHookInput(raw), deps);
