import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as list from './list';
import * as verify from './verify';

export function auditCommand(make: MakeDeps): Command {
  return new Command('audit')
    .description('Read and verify the audit log (owners only)')
    .addCommand(list.command(make))
    .addCommand(verify.command(make));
}
