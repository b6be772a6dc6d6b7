import { commands } from './commands.ts';
import type { CommandSpec, OptionSpec } from './spec.ts';

export const globalOptions: Record<string, OptionSpec> = {
  profile: { type: 'string', arg: 'NAME', description: 'AWS profile (also AWS_PROFILE)' },
  region: { type: 'string', arg: 'REGION', description: 'AWS region (also AWS_REGION, AWS_DEFAULT_REGION)' },
  debug: { type: 'boolean', description: 'log what happens on stderr (secrets redacted)' },
  'no-color': { type: 'boolean', description: 'no colours (also NO_COLOR; FORCE_COLOR=1 forces them)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    return [
      flag,
      o.description + (o.multiple && !/repeat/.test(o.description) ? ' (repeatable)' : ''),
    ] as const;
  });
  const width = Math.min(32, Math.max(...rows.map(([f]) => f.length)));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/** Greedy word wrap for prose paragraphs in --help. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`rolehop ${spec.name} — ${spec.summary}`, '', `Usage: ${spec.usage}`];
  if (spec.description) lines.push('', ...spec.description.split('\n').flatMap((p) => wrap(p, 100)));
  if (Object.keys(spec.options).length > 0) lines.push('', 'Options:', ...optionLines(spec.options));
  lines.push('', 'Global options:', ...optionLines(globalOptions));
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  $ ${e}`));
  return `${lines.join('\n')}\n`;
}

export function mainHelp(version: string): string {
  const listed = commands.filter((c) => !c.hidden);
  const width = Math.max(...listed.map((c) => c.name.length));
  return `rolehop ${version} — short-term AWS credentials from IAM Identity Center and STS role chains

Usage: rolehop <command> [options]

Commands:
${listed.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
${optionLines({ ...globalOptions, version: { type: 'boolean', short: 'v', description: 'print the version' } }).join('\n')}

Examples:
  $ rolehop setup
  $ rolehop login --start-url https://my-org.awsapps.com/start --sso-region eu-west-1 --sso-session my-org
  $ eval "$(rolehop env --account prod --role Admin --assume arn:aws:iam::111122223333:role/Deploy)"
  $ rolehop configure prod-deploy --account prod --role Admin
  $ rolehop exec prod-deploy -- aws s3 ls

Run 'rolehop <command> --help' for a command's options.
Exit codes: 0 ok, 1 error, 2 usage, 3 sign-in needed, 4 access denied, 5 network/throttling, 130 interrupted.
`;
}
