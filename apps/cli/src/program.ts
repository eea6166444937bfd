import { Command, Option } from 'commander';
import { agentsCommand } from './commands/agents/agents-command';
import { approvalsCommand } from './commands/approvals/approvals-command';
import { auditCommand } from './commands/audit/audit-command';
import { chatCommand } from './commands/chat/chat-command';
import { authCommand } from './commands/auth/auth-command';
import { configCommand } from './commands/config/config-command';
import { execCommand } from './commands/exec/exec-command';
import { keysCommand } from './commands/keys/keys-command';
import { projectCommand } from './commands/project/project-command';
import { templatesCommand } from './commands/templates/templates-command';
import { webhooksCommand } from './commands/webhooks/webhooks-command';
import { discoveryCommand } from './commands/discovery/discovery-command';
import { workspacesCommand } from './commands/workspaces/workspaces-command';
import { createDeps, type GlobalOptions, type MakeDeps, type System } from './deps';
import { OUTPUT_FORMATS } from './output';

/** The whole command tree. Parsing never exits the process: errors surface as exceptions. */
export function buildProgram(system: System): Command {
  const make: MakeDeps = (cmd) => createDeps(cmd.optsWithGlobals<GlobalOptions>(), system);
  const program = new Command('xeroctl')
    .description('Command-line client of XEM, the control plane for infrastructure tools')
    .version(system.version, '-V, --version', 'print the xeroctl version')
    .option('--base-url <url>', 'server URL (env XEROCTL_BASE_URL; default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key (env XEROCTL_API_KEY)')
    .option('--context <name>', 'context from the config file (default: its current_context)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .showSuggestionAfterError()
    .addCommand(configCommand(make))
    .addCommand(authCommand(make))
    .addCommand(projectCommand(make))
    .addCommand(keysCommand(make))
    .addCommand(auditCommand(make))
    .addCommand(execCommand(make))
    .addCommand(approvalsCommand(make))
    .addCommand(agentsCommand(make))
    .addCommand(workspacesCommand(make))
    .addCommand(templatesCommand(make))
    .addCommand(chatCommand(make))
    .addCommand(webhooksCommand(make))
    .addCommand(discoveryCommand(make));
  configureTree(program, system);
  return program;
}

/** addCommand() does not pass settings down, so apply them to every command in the tree. */
function configureTree(cmd: Command, system: System): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => system.io.stdout.write(s),
    writeErr: (s) => system.io.stderr.write(s),
    outputError: (s, write) => write(s),
  });
  cmd.showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) configureTree(sub, system);
}
