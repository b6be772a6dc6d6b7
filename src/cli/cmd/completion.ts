import { UsageError } from '../../util/errors.ts';
import { commands } from '../commands.ts';
import type { Deps } from '../deps.ts';
import { globalOptions } from '../help.ts';
import type { CommandInput, CommandRun, CommandSpec } from '../spec.ts';

// Commands and options are baked into the script from the command table; profile and sso-session
// names are asked of `rolehop __complete` at completion time, so they follow the user's files.

const PROFILE_OPTIONS = ['--profile', '--profile-from'];
const SESSION_OPTIONS = ['--sso-session'];
const CHOICES: Record<string, string[]> = {
  '--format': ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'dotenv', 'json'],
  '--style': ['sso', 'process', 'credentials'],
};
const POSITIONAL_CHOICES: Record<string, string[]> = {
  completion: ['bash', 'zsh', 'fish'],
  config: ['get', 'set', 'unset', 'list'],
  agent: ['start', 'status', 'stop'],
  hook: ['bash', 'zsh', 'fish'],
};

function visible(): CommandSpec[] {
  return commands.filter((c) => !c.hidden);
}

function takesProfile(spec: CommandSpec): boolean {
  return /PROFILE/.test(spec.positionals ?? '');
}

function optionNames(spec: CommandSpec): string[] {
  return [...Object.keys(spec.options), ...Object.keys(globalOptions)].map((o) => `--${o}`);
}

function valueOptions(): string[] {
  const names = new Set<string>();
  for (const spec of commands) {
    for (const [name, o] of Object.entries({ ...spec.options, ...globalOptions })) {
      if (o.type === 'string') names.add(`--${name}`);
    }
  }
  return [...names].sort();
}

function shellWords(words: string[]): string {
  return words.join(' ');
}

/** `env|exec|…`: the commands whose positional is a profile name, for a shell `case`. */
function profileCommandNames(): string {
  return visible()
    .filter(takesProfile)
    .map((c) => c.name)
    .join('|');
}

export function bashScript(): string {
  const cases = visible()
    .map((c) => `    ${c.name}) opts="${shellWords(optionNames(c))}" ;;`)
    .join('\n');
  const profileCommands = profileCommandNames();
  const choiceCases = Object.entries(CHOICES)
    .map(
      ([opt, values]) => `    ${opt}) COMPREPLY=($(compgen -W "${shellWords(values)}" -- "$cur")); return ;;`,
    )
    .join('\n');
  const positionalCases = Object.entries(POSITIONAL_CHOICES)
    .map(([cmd, values]) => `    ${cmd}) COMPREPLY=($(compgen -W "${shellWords(values)}" -- "$cur")) ;;`)
    .join('\n');
  return `# rolehop completion for bash: source <(rolehop completion bash)
_rolehop() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${shellWords(visible().map((c) => c.name))} --help --version" -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
    ${PROFILE_OPTIONS.join('|')}) COMPREPLY=($(compgen -W "$(rolehop __complete profiles 2>/dev/null)" -- "$cur")); return ;;
    ${SESSION_OPTIONS.join('|')}) COMPREPLY=($(compgen -W "$(rolehop __complete sso-sessions 2>/dev/null)" -- "$cur")); return ;;
${choiceCases}
    ${valueOptions().join('|')}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${cases}
    *) opts="" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case "$cmd" in
    ${profileCommands}) COMPREPLY=($(compgen -W "$(rolehop __complete profiles 2>/dev/null)" -- "$cur")) ;;
${positionalCases}
  esac
}
complete -F _rolehop rolehop
`;
}

function zshQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`).replace(/:/g, '\\:')}'`;
}

export function zshScript(): string {
  const commandList = visible()
    .map((c) => `    ${zshQuote(`${c.name}:${c.summary}`)}`)
    .join('\n');
  const optionCases = visible()
    .map((c) => {
      const described = Object.entries({ ...c.options, ...globalOptions }).map(([n, o]) =>
        zshQuote(`--${n}:${o.description}`),
      );
      return `    ${c.name}) opts=(${described.join(' ')}) ;;`;
    })
    .join('\n');
  const profileCommands = profileCommandNames();
  const choiceCases = Object.entries(CHOICES)
    .map(([opt, values]) => `    ${opt}) compadd -- ${values.join(' ')}; return ;;`)
    .join('\n');
  const positionalCases = Object.entries(POSITIONAL_CHOICES)
    .map(([cmd, values]) => `    ${cmd}) compadd -- ${values.join(' ')} ;;`)
    .join('\n');
  return `#compdef rolehop
# rolehop completion for zsh: source <(rolehop completion zsh)  (after compinit)
_rolehop() {
  local -a cmds opts
  cmds=(
${commandList}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'rolehop command' cmds
    return
  fi
  local cmd=\${words[2]}
  case \${words[CURRENT-1]} in
    ${PROFILE_OPTIONS.join('|')}) compadd -- \${(f)"$(rolehop __complete profiles 2>/dev/null)"}; return ;;
    ${SESSION_OPTIONS.join('|')}) compadd -- \${(f)"$(rolehop __complete sso-sessions 2>/dev/null)"}; return ;;
${choiceCases}
    ${valueOptions().join('|')}) return ;;
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    case $cmd in
${optionCases}
    esac
    _describe -t options 'option' opts
    return
  fi
  case $cmd in
    ${profileCommands}) compadd -- \${(f)"$(rolehop __complete profiles 2>/dev/null)"} ;;
${positionalCases}
  esac
}
if (( $+functions[compdef] )); then compdef _rolehop rolehop; fi
`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function fishScript(): string {
  const lines = [
    '# rolehop completion for fish: rolehop completion fish > ~/.config/fish/completions/rolehop.fish',
    'complete -c rolehop -f',
  ];
  for (const c of visible()) {
    lines.push(`complete -c rolehop -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.summary)}`);
    for (const [name, o] of Object.entries({ ...c.options, ...globalOptions })) {
      let values = '';
      const flag = `--${name}`;
      if (PROFILE_OPTIONS.includes(flag)) values = " -a '(rolehop __complete profiles 2>/dev/null)'";
      else if (SESSION_OPTIONS.includes(flag)) values = " -a '(rolehop __complete sso-sessions 2>/dev/null)'";
      else if (CHOICES[flag]) values = ` -a ${fishQuote(CHOICES[flag].join(' '))}`;
      lines.push(
        `complete -c rolehop -n '__fish_seen_subcommand_from ${c.name}' -l ${name}${o.type === 'string' ? ' -r' : ''}${values} -d ${fishQuote(o.description)}`,
      );
    }
    if (takesProfile(c)) {
      lines.push(
        `complete -c rolehop -n '__fish_seen_subcommand_from ${c.name}' -a '(rolehop __complete profiles 2>/dev/null)'`,
      );
    }
    const positional = POSITIONAL_CHOICES[c.name];
    if (positional)
      lines.push(
        `complete -c rolehop -n '__fish_seen_subcommand_from ${c.name}' -a ${fishQuote(positional.join(' '))}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** What completion acts on, typed: the command line is read and checked once, in parseCompletionInput. */
export interface CompletionInput {
  shell: keyof typeof SCRIPTS;
}

export function parseCompletionInput(raw: CommandInput): CompletionInput {
  const shell = raw.positionals[0];
  if (shell === undefined || !Object.hasOwn(SCRIPTS, shell)) {
    throw new UsageError(`completion needs a shell: bash, zsh or fish${shell ? ` (not "${shell}")` : ''}`, {
      hint: 'rolehop completion bash|zsh|fish',
    });
  }
  return { shell: shell as CompletionInput['shell'] };
}

/** Prints the completion script for the shell. */
export function completion(input: CompletionInput, deps: Deps): number {
  deps.stdout.write(SCRIPTS[input.shell]());
  return 0;
}

export const run: CommandRun = (raw, deps) => completion(parseCompletionInput(raw), deps);
